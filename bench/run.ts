// `npm run bench [-- --quick] [-- --rates=10,50,200] [-- --keep]`: a fresh box of its own, the headline
// flow under open-loop load, throughput, the machine's own Postgres limit (pgbench), cold starts,
// memory, and the OLAP projector at volume. Prints one table; writes bench/results/<timestamp>.json.
// `npm run bench -- --cluster [--rate=10]`: only the flow on one nats-server (R1) vs a cluster of three (R3).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { connectBus, type Bus } from '../shared/events/bus.js';
import { loadCatalogue, startBenchBox, type BenchBox } from './lib/box.js';
import { cloudCostOfRun, renderRunCloudCost } from './lib/cloud-cost-run.js';
import { coldStarts } from './lib/coldstart.js';
import { MeasureError } from './lib/fail.js';
import { goalsOf, renderGoals } from './lib/goals.js';
import { renderOlapGrowth } from './lib/olap-growth.js';
import { readLoadAvg } from './lib/cpu.js';
import { EventTap } from './lib/event-tap.js';
import { runStep, type FlowContext } from './lib/flow.js';
import { climb, sustain } from './lib/ladder.js';
import { settle } from './lib/measured-step.js';
import { PeakTracker, readPids, sampleBox, totalOf } from './lib/memory.js';
import { olapAtVolume, type OlapVolume } from './lib/olap-volume.js';
import { OlapWatch } from './lib/olap-watch.js';
import { cfg, dataDir, flag, profileDir, profiling, quick, root, say, sh, stamp } from './lib/options.js';
import { runPgbench, type PgbenchResult } from './lib/pgbench.js';
import { prng } from './lib/prng.js';
import { renderTable, type Machine, type RunFacts } from './lib/report.js';
import { now, triple } from './lib/stats.js';
import { measureWorkspace } from './lib/workspace.js';

function machineFacts(): Machine & { free: string } {
  return {
    cores: Number(sh('nproc', [])),
    cpu: cpus()[0]?.model ?? '?',
    ramMb: Math.round(totalmem() / 1024 / 1024),
    free: sh('free', ['-m']),
    node: process.version,
    commit: sh('git', ['rev-parse', '--short', 'HEAD']),
    dirty: sh('git', ['status', '--porcelain', '--', 'shared', 'functions', 'triggers', 'runtime', 'gateway', 'cli', 'olap', 'stack.yml']) !== '',
    loadAvgAtStart: readLoadAvg(),
  };
}

/** Warm-up (JIT, pools, consumers); also tells whether the projector is fed. */
async function warmUp(ctx: FlowContext, olapRuns: boolean): Promise<void> {
  const warm = await runStep(ctx, 10, 5, 20_000);
  if (olapRuns && warm.completed === 0 && warm.errors['timeout: not paid in OLAP']) {
    ctx.olapMode = false;
    say('projector does not project the paid orders (no feed?): measuring paid in Postgres');
  }
  say(`warm-up: ${warm.completed}/${warm.orders} completed, flow ${triple(warm.flowMs)} ms`);
  await settle(ctx.tap);
}

/** 3. The machine's own Postgres limit, on the same server, in a database of its own. */
async function postgresLimit(b: BenchBox, skip: boolean): Promise<PgbenchResult> {
  say('pgbench...');
  // Left out on purpose (--flow-only, --olap-only): said so, and the goals say "not measured".
  if (skip) return { scale: 0, clients: 0, threads: 0, seconds: 0, tps: NaN, latencyAvgMs: NaN, synchronousCommit: '?', fsync: '?', skipped: true };
  return runPgbench(b.pgPort, b.pgUrl('postgres'), { scale: 4, clients: 4, threads: 2, seconds: cfg.pgbenchSeconds });
}

/** 4. Cold starts and bundle sizes, one bundle at a time while the box idles, spawned as the box spawns it. */
async function coldStartsOf(skip: boolean) {
  if (skip) return [];
  say('cold starts...');
  const cold = await coldStarts(dataDir, cfg.coldRepeats);
  say(`  ${cold.map((c) => `${c.name} ${c.coldMs.map((x) => x.toFixed(0)).join('/')} ms`).join(', ')}`);
  return cold;
}

/** Every measure, in order, on a box that is ready; fills `results` as it goes. */
async function measure(b: BenchBox, tap: EventTap, watch: OlapWatch, results: Record<string, unknown>, setBus: (bus: Bus) => void) {
  const pids = readPids(dataDir);
  const cat = await loadCatalogue(b, cfg.products, cfg.customers, 1_000_000);
  say(`catalogue: ${cat.skus.length} products, ${cat.customers.length} customers`);
  const bus = await connectBus(b.natsUrl, 'erpbi-bench', { credentials: b.natsCredentials });
  setBus(bus);
  await tap.start(bus, b.box.stream, b.box.prefix);
  const olapRuns = 'project-to-olap' in pids && (await watch.start(b.box.url, b.tokens.clerk));
  say(`projector: ${olapRuns ? 'running, live feed open' : 'absent: paid is measured in Postgres (order_status_changed)'}`);

  await settle(tap);
  const idle = sampleBox(pids);
  const peak = new PeakTracker(pids);
  peak.sample();
  peak.start(1000);

  const ctx: FlowContext = { b, cat, tap, olap: olapRuns ? watch : undefined, olapMode: olapRuns, random: prng(42), verifyEvery: 10 };
  await warmUp(ctx, olapRuns);

  const olapOnly = flag('olap-only');
  const steps = await climb(ctx, b, pids, olapOnly ? [] : cfg.rates);
  results.steps = steps;
  const throughput = await sustain(ctx, b, pids, steps, olapOnly);
  results.throughput = { sustained: throughput.sustained?.rate ?? 0, attempts: throughput.attempts };
  peak.stop();
  peak.sample();
  const memory = { idle, idleTotal: totalOf(idle), peak: peak.peak, peakTotal: peak.peakTotal };
  results.memory = memory;

  const flowOnly = flag('flow-only');
  const skip = olapOnly || flowOnly;
  const pgb = await postgresLimit(b, skip);
  const reference = throughput.sustained ?? steps.filter((s) => s.pass).at(-1);
  const pgbench = { ...pgb, erpbiCommitsPerSec: reference?.commitsPerSec, ratio: reference ? reference.commitsPerSec / pgb.tps : undefined };
  results.pgbench = pgbench;
  const cold = await coldStartsOf(skip);
  results.coldStarts = cold;

  // 5. The workspace in the browser: what it downloads and how soon a person can work.
  say('workspace in Chromium...');
  const workspace = await measureWorkspace(b.box.url, quick ? 3 : 10);
  results.workspace = workspace;

  // 6. OLAP at volume. The flow's event consumer is done: it would otherwise parse every synthetic event too.
  await tap.stop().catch(() => undefined);
  const olapPeak = new PeakTracker(pids);
  let olap: OlapVolume = { sizes: [] };
  if (olapRuns && ctx.olapMode && !flag('no-olap') && !flowOnly) {
    olapPeak.start(1000);
    olap = await olapAtVolume(b, bus, cat, watch, pids['project-to-olap']!);
  }
  olapPeak.stop();
  results.olap = { sizes: olap.sizes, rebuild: olap.rebuilt, peak: olapPeak.peak };

  const facts: RunFacts = {
    date: results.date as string,
    machine: results.machine as Machine,
    quick,
    boxReadyMs: results.boxReadyMs as number,
    olapRuns,
    olapMode: ctx.olapMode,
    steps,
    throughput,
    pgbench,
    memory,
    cold,
    workspace,
    olap,
    olapPeak: olapPeak.peak,
  };
  results.table = renderTable(facts);
  results.goals = goalsOf(facts);
  results.goalsTable = renderGoals(results.goals as ReturnType<typeof goalsOf>);
  results.olapGrowthTable = renderOlapGrowth(olap);
  // What these orders would cost on Lambda + API Gateway + RDS + Synadia Cloud (docs/scale-out.md): a field of its own.
  const cost = cloudCostOfRun(facts);
  if (cost) {
    results.cloudCost = cost;
    results.cloudCostTable = renderRunCloudCost(cost);
  }
}

/** --cluster: only the R1 vs R3 comparison (bench/cluster.ts), in a results file of its own. */
async function clusterOnly(t0: number, machine: Machine): Promise<void> {
  const { runClusterBench, clusterTable } = await import('./cluster.js');
  const cluster = await runClusterBench();
  const results = { date: new Date().toISOString(), machine, cfg, cluster, clusterTable: clusterTable(cluster), totalSeconds: (now() - t0) / 1000 };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const out = join(root, 'bench', 'results', `${stamp}.json`);
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  console.log(`JetStream cluster: R1 vs R3\n${results.clusterTable}`);
  console.log(`\n(${results.totalSeconds.toFixed(0)} s in all; details in ${out.slice(root.length + 1)})`);
}

async function main() {
  const t0 = now();
  const machine = machineFacts();
  if (flag('cluster')) return clusterOnly(t0, machine);
  const mode = `${quick ? 'quick' : 'full'} run on ${machine.cores} cores, ${machine.ramMb} MB`;
  say(`${mode}, commit ${machine.commit}${machine.dirty ? '+dirty' : ''}, load ${machine.loadAvgAtStart}; data in ${dataDir}`);

  const started = now();
  const preload = join(root, 'bench', 'lib', 'cpu-profile-preload.mjs');
  const env: Record<string, string> = profiling
    ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${preload}`.trim(), ERPBI_PROFILE_DIR: profileDir }
    : {};
  const b = await startBenchBox(dataDir, env);
  const boxReadyMs = now() - started;
  say(`box ready in ${(boxReadyMs / 1000).toFixed(1)} s at ${b.box.url}`);
  const results: Record<string, unknown> = { date: new Date().toISOString(), machine, cfg, boxReadyMs };
  let bus: Bus | undefined;
  const tap = new EventTap();
  const watch = new OlapWatch();
  try {
    await measure(b, tap, watch, results, (opened) => (bus = opened));
  } finally {
    watch.stop();
    await tap.stop().catch(() => undefined);
    await bus?.nc.close().catch(() => undefined);
    b.http.close();
    say('stopping the box...');
    await b.box.stop();
    if (!flag('keep')) rmSync(dataDir, { recursive: true, force: true });
  }
  // The same flow on the compose stack (issue 24, "also measure"); after the box has stopped, so the two never share the CPU.
  // Imported only here: it sets the compose project's environment when loaded.
  if (flag('containers')) {
    const { runContainerBench, table } = await import('./containers/run.js');
    const olapOrders = cfg.olapSizes.at(-1) ?? 100_000;
    const containers = await runContainerBench({ rate: cfg.rates[0] ?? 10, seconds: cfg.sustainSeconds, olapOrders });
    results.containers = containers;
    results.containersTable = table(containers);
  }
  results.totalSeconds = (now() - t0) / 1000;
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const out = join(root, 'bench', 'results', `${stamp}.json`);
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  console.log(results.table as string);
  if (results.olapGrowthTable) console.log(`\nHow OLAP grows with the history:\n${results.olapGrowthTable as string}`);
  if (results.containersTable) console.log(`\nThe same flow on the container stack:\n${results.containersTable as string}`);
  if (results.cloudCostTable) console.log(`\nThe cost per million orders on a managed deployment:\n${results.cloudCostTable as string}`);
  console.log(`\nIssue 24's goals:\n${results.goalsTable as string}`);
  console.log(`\n(${((now() - t0) / 1000).toFixed(0)} s in all; details in ${out.slice(root.length + 1)})`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    // A measure that could not be taken says what and why; its stack would only bury that.
    console.error(`bench failed: ${err instanceof MeasureError ? err.message : (err.stack ?? err.message)}`);
    process.exit(1);
  },
);
