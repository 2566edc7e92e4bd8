import './project.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { connectBus, type Bus } from '../../shared/events/bus.js';
import { loadCatalogue, type BenchBox } from '../lib/box.js';
import { EventTap } from '../lib/event-tap.js';
import type { FlowContext } from '../lib/flow.js';
import { Client } from '../lib/http.js';
import { settle } from '../lib/measured-step.js';
import { OlapWatch } from '../lib/olap-watch.js';
import { cfg, root, say, stamp } from '../lib/options.js';
import { prng } from '../lib/prng.js';
import { now, triple } from '../lib/stats.js';
import { containersOf, mb, memory } from './cgroup.js';
import { measuredContainerStep, warmUp, type ContainerStep } from './flow-step.js';
import { holdStackLock } from './lock.js';
import { benchProject } from './project.js';
import { projectorAtVolume, type ProjectorAtVolume } from './projector-memory.js';
import { bringUp, type BenchStack } from './stack-up.js';

// Issue 24, "also measure": the box's flow on the container stack at one rate (what the containers
// cost over the box's processes), and the projector at volume inside its 512 MB limit.
// `node --import tsx bench/containers/run.ts --rate=10 --seconds=20 --olap=100000 [--keep]`, or
// runContainerBench() from bench/run.ts. Everything under the stack lock; the stack is the bench's own
// compose project (bench/containers/project.ts), taken down at the end (--keep leaves it up).

export interface ContainerBenchResult {
  project: string;
  date: string;
  /** 1/5/15-minute load averages of the machine before and after. */
  loadAvg: { start: number[]; end: number[] };
  /** Seconds the (cached) bases and images builds took, and from `compose up` to each container's first healthy answer. */
  buildSeconds: BenchStack['buildSeconds'];
  startSeconds: Record<string, number>;
  /** Where the bench sent its requests. */
  entry: string;
  /** docker stats' figure per container, once the stack had settled with the catalogue loaded. */
  idleMb: Record<string, number>;
  flow: ContainerStep;
  projector?: ProjectorAtVolume | undefined;
  totalSeconds: number;
}

const stack = { prefix: 'erp', stream: 'ERP_EVENTS' }; // the compose files' EVENTS_PREFIX / EVENTS_STREAM (shared/config.ts defaults)

/** What the flow driver needs of a box (bench/lib/box.ts): the HTTP client, the tokens, the box's prefix. */
function benchBoxOf(s: BenchStack, http: Client): BenchBox {
  // The stack has no Box (tests/support/box.ts: a box process of this machine); the driver reads only these fields.
  return {
    box: { url: s.url, ...stack },
    http,
    tokens: s.tokens,
    pgPort: 5432,
    natsUrl: s.natsUrl,
    natsCredentials: s.natsCredentials,
    pgUrl: () => s.pgUrl,
  } as unknown as BenchBox;
}

function idleOf(): Record<string, number> {
  return Object.fromEntries(
    Object.values(containersOf(benchProject))
      .filter((c) => c.running)
      .map((c) => [c.service, mb(memory(c).workingSet)]),
  );
}

export async function runContainerBench(opts: { rate: number; seconds: number; olapOrders: number; keep?: boolean }): Promise<ContainerBenchResult> {
  const t0 = now();
  const start = loadavg();
  const lock = await holdStackLock(3_600_000, say);
  let s: BenchStack | undefined;
  let http: Client | undefined;
  let bus: Bus | undefined;
  const tap = new EventTap();
  const watch = new OlapWatch();
  try {
    s = await bringUp(say, opts.keep ?? false);
    http = new Client(s.url);
    const b = benchBoxOf(s, http);
    const cat = await loadCatalogue(b, cfg.products, cfg.customers, 1_000_000);
    say(`containers: catalogue ${cat.skus.length} products, ${cat.customers.length} customers`);
    bus = await connectBus(s.natsUrl, 'erpbi-bench-containers', { credentials: s.natsCredentials });
    await tap.start(bus, stack.stream, stack.prefix);
    if (!(await watch.start(s.url, s.tokens.clerk))) throw new Error(`the projector's live feed (${s.url}/function/project-to-olap/live) did not answer 200`);
    await settle(tap);
    const idleMb = idleOf();
    const ctx: FlowContext = { b, cat, tap, olap: watch, olapMode: true, random: prng(42), verifyEvery: 10 };
    await warmUp(ctx, say);
    tap.forget();
    const flow = await measuredContainerStep(ctx, s.pgUrl, opts.rate, opts.seconds, cfg.drainMs);
    if (flow.completed === 0)
      throw new Error(`the flow on the stack: none of ${flow.orders} orders completed: ${JSON.stringify(flow.errors)} ${JSON.stringify(flow.errorSamples)}`);
    say(
      `containers: ${opts.rate}/s x ${opts.seconds}s: ${flow.completed}/${flow.orders} completed, errors ${JSON.stringify(flow.errors)}; ` +
        `flow p50/p95/p99/max ${triple(flow.flowMs)} ms; ${flow.cpuMsPerOrderTotal} CPU ms/order in all; machine ${flow.machineBusyPct.toFixed(0)}% busy`,
    );
    await settle(tap);
    // the flow's event consumer is done: it would otherwise parse every synthetic event too
    await tap.stop();
    const projector = opts.olapOrders > 0 ? await projectorAtVolume(b, bus, cat, watch, opts.olapOrders, say) : undefined;
    return {
      project: benchProject,
      date: new Date().toISOString(),
      loadAvg: { start, end: loadavg() },
      buildSeconds: s.buildSeconds,
      startSeconds: s.startSeconds,
      entry: "the front door's internal entrypoint (:8000, plain HTTP, no per-client limits), as the connector calls it",
      idleMb,
      flow,
      projector,
      totalSeconds: (now() - t0) / 1000,
    };
  } finally {
    watch.stop();
    await tap.stop().catch(() => undefined);
    await bus?.nc.close().catch(() => undefined);
    http?.close();
    if (s) say(opts.keep ? `containers: left up (project ${benchProject}, files in ${s.stack.dir})` : 'containers: compose down...');
    s?.down();
    await lock.release();
  }
}

/** One line per container: CPU per order and memory over the flow step. */
export function table(r: ContainerBenchResult): string {
  const rows = Object.entries(r.flow.perContainer)
    .sort(([, a], [, b]) => b.cpuSeconds - a.cpuSeconds)
    .map(([n, c]) => `${n.padEnd(20)} ${c.cpuMsPerOrder.toFixed(2).padStart(8)} ${String(c.memoryPeakMb).padStart(8)} / ${c.memoryLimitMb || '-'}`);
  const f = r.flow;
  const p = r.projector;
  return [
    `flow ${f.rate}/s x ${f.seconds}s on the stack: ${f.completed}/${f.orders} completed; p50/p95/p99/max (ms)`,
    `  create answer ${triple(f.createMs)}; due -> invoiced ${triple(f.toInvoicedMs)}; payment -> paid ${triple(f.payToPaidMs)}; payment -> OLAP ${triple(f.payToOlapMs)}; flow ${triple(f.flowMs)}`,
    `${'container'.padEnd(20)} ${'CPU ms/order'.padStart(8)} ${'peak MB'.padStart(8)} / limit`,
    ...rows,
    `${'all'.padEnd(20)} ${f.cpuMsPerOrderTotal.toFixed(2).padStart(8)}; ${f.commitsPerOrder.toFixed(1)} commits/order; machine ${f.machineBusyPct.toFixed(0)}% busy`,
    ...(p
      ? [
          `projector at ${p.orders} orders (${p.load.events} events): apply peak ${p.apply.peakMb} MB (rss ${p.apply.peakRssMb}, VmHWM ${p.apply.processPeakRssMb}), ` +
            `rebuild peak ${p.rebuild.peakMb} MB (rss ${p.rebuild.peakRssMb}, VmHWM ${p.rebuild.processPeakRssMb}) of ${p.settings.limitMb} MB: ` +
            `${p.apply.withinLimit && p.rebuild.withinLimit ? 'within' : 'OVER'} its limit`,
        ]
      : []),
  ].join('\n');
}

async function cli(): Promise<void> {
  const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
  const opts = { rate: arg('rate', 10), seconds: arg('seconds', 20), olapOrders: arg('olap', 100_000), keep: process.argv.includes('--keep') };
  const r = await runContainerBench(opts);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const out = join(root, 'bench', 'results', `containers-${stamp}.json`);
  writeFileSync(out, `${JSON.stringify(r, null, 2)}\n`);
  console.log(table(r));
  console.log(`(${r.totalSeconds.toFixed(0)} s in all; details in ${out.slice(root.length + 1)})`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  cli().then(
    () => process.exit(0),
    (err: Error) => {
      console.error(`container bench failed: ${err.stack ?? err.message}`);
      process.exit(1);
    },
  );
}
