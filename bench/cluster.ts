import { rmSync } from 'node:fs';
import { connectBus } from '../shared/events/bus.js';
import { loadCatalogue, startBenchBox } from './lib/box.js';
import { busyPct, cpuSeconds, cpuTicks, machineBusy } from './lib/cpu.js';
import { EventTap } from './lib/event-tap.js';
import { runStep, type FlowContext } from './lib/flow.js';
import { settle } from './lib/measured-step.js';
import { readPids } from './lib/memory.js';
import { OlapWatch } from './lib/olap-watch.js';
import { cfg, dataDir, flag, option, say } from './lib/options.js';
import { prng } from './lib/prng.js';
import { ms, triple, type Summary } from './lib/stats.js';
import { grid } from './lib/table.js';

// `npm run bench -- --cluster [--rate=10] [--sustain=60]` (issue 25): the same open-loop flow at one rate on
// a box with one nats-server and its stream at one replica (R1), then on a box with a JetStream cluster of
// three (NATS_CLUSTER_SIZE=3) and the stream at three replicas (R3), one box after the other so the two
// never share the CPU. What a replica costs: the flow's latency, its throughput, the servers' CPU.

export interface ClusterRun {
  setup: 'R1' | 'R3';
  servers: number;
  replicas: number;
  rate: number;
  seconds: number;
  orders: number;
  completed: number;
  errorCount: number;
  /** Completed orders per second of the step's wall time (sending and draining). */
  throughput: number;
  flowMs: Summary;
  createMs: Summary;
  toInvoicedMs: Summary;
  /** CPU seconds over the step: the nats-servers together, and the whole box. */
  natsCpuSeconds: number;
  boxCpuSeconds: number;
  machineBusyPct: number;
}

const setups = [
  { setup: 'R1', servers: 1, replicas: 1, env: {} },
  { setup: 'R3', servers: 3, replicas: 3, env: { NATS_CLUSTER_SIZE: '3', EVENTS_REPLICAS: '3' } },
] as const;

async function runOn(s: (typeof setups)[number], rate: number, seconds: number): Promise<ClusterRun> {
  const dir = `${dataDir}-${s.setup.toLowerCase()}`;
  say(`${s.setup}: a box with ${s.servers} nats-server(s), the stream at ${s.replicas} replica(s)...`);
  const b = await startBenchBox(dir, s.env);
  const tap = new EventTap();
  const watch = new OlapWatch();
  const bus = await connectBus(b.natsUrl, 'erpbi-bench-cluster', { credentials: b.natsCredentials });
  try {
    const pids = readPids(dir);
    const cat = await loadCatalogue(b, cfg.products, cfg.customers, 1_000_000);
    await tap.start(bus, b.box.stream, b.box.prefix);
    const olapRuns = 'project-to-olap' in pids && (await watch.start(b.box.url, b.tokens.clerk));
    const ctx: FlowContext = { b, cat, tap, olap: olapRuns ? watch : undefined, olapMode: olapRuns, random: prng(42), verifyEvery: 10 };
    await runStep(ctx, 10, 5, 20_000); // warm-up: JIT, pools, consumers
    await settle(tap);
    tap.forget();
    const cpu0 = cpuTicks(pids, dir);
    const busy0 = machineBusy();
    const step = await runStep(ctx, rate, seconds, cfg.drainMs);
    const cpu = cpuSeconds(cpu0, cpuTicks(pids, dir));
    const busy1 = machineBusy();
    const natsCpu = Object.entries(cpu)
      .filter(([name]) => name.startsWith('nats'))
      .reduce((a, [, v]) => a + v, 0);
    const run: ClusterRun = {
      setup: s.setup,
      servers: s.servers,
      replicas: s.replicas,
      rate,
      seconds,
      orders: step.orders,
      completed: step.completed,
      errorCount: step.errorCount,
      throughput: step.completed / (step.wallMs / 1000),
      flowMs: step.flowMs,
      createMs: step.createMs,
      toInvoicedMs: step.toInvoicedMs,
      natsCpuSeconds: natsCpu,
      boxCpuSeconds: Object.values(cpu).reduce((a, v) => a + v, 0),
      machineBusyPct: busyPct(busy0, busy1),
    };
    say(`  ${s.setup}: ${run.completed}/${run.orders} completed, ${run.errorCount} errors, flow p50/p95/p99/max ${triple(run.flowMs)} ms`);
    return run;
  } finally {
    watch.stop();
    await tap.stop().catch(() => undefined);
    await bus.nc.close().catch(() => undefined);
    b.http.close();
    await b.box.stop();
    if (!flag('keep')) rmSync(dir, { recursive: true, force: true });
  }
}

/** R1, then R3, at the same rate for the same time. */
export async function runClusterBench(): Promise<{ rate: number; seconds: number; runs: ClusterRun[] }> {
  const rate = Number(option('rate') ?? 10);
  const seconds = cfg.sustainSeconds;
  const runs: ClusterRun[] = [];
  for (const s of setups) runs.push(await runOn(s, rate, seconds));
  return { rate, seconds, runs };
}

/** R1 and R3 side by side, one column each. */
export function clusterTable(c: { runs: ClusterRun[] }): string {
  const row = (name: string, f: (r: ClusterRun) => string) => [name, ...c.runs.map(f)];
  return grid(
    ['measure', ...c.runs.map((r) => `${r.setup}: ${r.servers} server(s), ${r.replicas} replica(s)`)],
    [
      row('rate x seconds', (r) => `${r.rate}/s x ${r.seconds}s`),
      row('orders completed / sent, errors', (r) => `${r.completed}/${r.orders}, ${r.errorCount}`),
      row('throughput (completed orders/s)', (r) => r.throughput.toFixed(1)),
      row('flow p50 / p99 ms (due -> paid)', (r) => `${ms(r.flowMs.p50)} / ${ms(r.flowMs.p99)}`),
      row('create-order answer p50 / p99 ms', (r) => `${ms(r.createMs.p50)} / ${ms(r.createMs.p99)}`),
      row('due -> invoiced p50 / p99 ms', (r) => `${ms(r.toInvoicedMs.p50)} / ${ms(r.toInvoicedMs.p99)}`),
      row('nats-server CPU s (all servers)', (r) => r.natsCpuSeconds.toFixed(1)),
      row('box CPU s (every process)', (r) => r.boxCpuSeconds.toFixed(1)),
      row('machine busy', (r) => `${r.machineBusyPct.toFixed(0)}%`),
    ],
  );
}
