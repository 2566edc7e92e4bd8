import type { ColdStart } from './coldstart.js';
import type { Throughput } from './ladder.js';
import type { StepReport } from './measured-step.js';
import type { BoxMem } from './memory.js';
import type { OlapAtSize, OlapVolume } from './olap-volume.js';
import type { PgbenchResult } from './pgbench.js';
import { ms, summarize, triple } from './stats.js';
import { Table } from './table.js';
import type { WorkspaceResult } from './workspace.js';

// The run's one table (section | measure | value), in the order BENCHMARKS.md shows it.

export interface Machine {
  cores: number;
  cpu: string;
  ramMb: number;
  node: string;
  commit: string;
  dirty: boolean;
  loadAvgAtStart: number;
}

export interface Memory {
  idle: BoxMem;
  peak: BoxMem;
  idleTotal: { rssKb: number; pssKb: number };
  peakTotal: { rssKb: number; pssKb: number };
}

export interface RunFacts {
  date: string;
  machine: Machine;
  quick: boolean;
  boxReadyMs: number;
  olapRuns: boolean;
  olapMode: boolean;
  steps: StepReport[];
  throughput: Throughput;
  pgbench: PgbenchResult & { erpbiCommitsPerSec?: number | undefined; ratio?: number | undefined };
  memory: Memory;
  cold: ColdStart[];
  workspace: WorkspaceResult;
  olap: OlapVolume;
  olapPeak: BoxMem;
}

const mb = (kb: number) => `${(kb / 1024).toFixed(0)}`;
const infra = ['runtime', 'gateway', 'connector', 'postgres', 'nats-server'];

function runRows(t: Table, f: RunFacts): void {
  const { machine } = f;
  const loadNote = `load avg at start ${machine.loadAvgAtStart}`;
  t.add('run', 'date / machine', `${f.date.slice(0, 16)}Z, ${machine.cores} cores, ${machine.ramMb} MB, ${machine.cpu}, node ${machine.node}`);
  const commit = `${machine.commit}${machine.dirty ? ' (+ uncommitted changes in the tree)' : ''}`;
  t.add('run', 'commit / mode', `${commit}, ${f.quick ? 'quick' : 'full'}, ${loadNote}; box ready in ${(f.boxReadyMs / 1000).toFixed(1)} s`);
}

function flowRows(t: Table, f: RunFacts): void {
  const flowNote = f.olapMode ? 'paid = projected in OLAP (SSE watermark)' : 'paid = order_status_changed in Postgres; OLAP pending';
  t.add('flow', 'columns', `ms p50/p95/p99/max from the due time; ${flowNote}`);
  for (const s of f.steps) {
    const sec = `flow @ ${s.rate}/s x ${s.seconds}s`;
    const checked = f.olapMode ? `; OLAP order checked by GET for ${s.verified}, ${s.verifyMismatch} not paid there` : '';
    t.add(
      sec,
      'orders / errors',
      `${s.orders} / ${s.errorCount}${s.errorCount ? ` ${JSON.stringify(s.errors)}` : ''} -> ${s.pass ? 'pass' : 'FAIL'}${checked}`,
    );
    t.add(sec, 'create-order answer', triple(s.createMs));
    t.add(sec, 'due -> invoiced', triple(s.toInvoicedMs));
    t.add(sec, 'payment -> paid (Postgres)', triple(s.payToPaidMs));
    t.add(sec, 'payment -> paid (OLAP)', f.olapMode ? triple(s.payToOlapMs) : 'pending');
    t.add(sec, 'flow due -> paid', triple(s.flowMs));
    const cpu = `machine ${s.machineBusyPct.toFixed(0)}% busy, bench client ${s.benchCpuPct.toFixed(0)}% of a core`;
    t.add(sec, 'PG commits/s, per order; CPU', `${s.commitsPerSec.toFixed(0)}/s, ${s.commitsPerOrder.toFixed(1)}; ${cpu}`);
    const d = s.documents;
    const docs = `${d.rendered} rendered, ${d.msPerDocument === undefined ? '-' : d.msPerDocument.toFixed(1)} ms render each`;
    t.add(sec, 'box CPU ms per order (without documents); documents', `${s.cpuMsPerOrder.toFixed(1)} (${s.cpuMsPerOrderWithoutDocuments.toFixed(1)}); ${docs}`);
  }
}

function throughputRows(t: Table, f: RunFacts): void {
  for (const a of f.throughput.attempts) {
    const what = `${a.orders} orders, ${a.errorCount} errors, flow ${triple(a.flowMs)}, ${a.commitsPerSec.toFixed(0)} commits/s`;
    t.add('throughput', `${a.rate}/s x ${a.seconds}s`, `${a.pass ? 'HOLDS' : 'fails'}: ${what}`);
  }
  const sustained = f.throughput.sustained?.rate ?? 0;
  t.add('throughput', 'sustained (p99 < 2 s, no error)', sustained ? `${sustained} orders/s` : 'none of the candidates held');
  const pg = f.pgbench;
  if (pg.skipped) return t.add('postgres limit', 'pgbench', 'skipped (--flow-only / --olap-only)');
  const settings = `avg latency ${pg.latencyAvgMs} ms; fsync=${pg.fsync}, synchronous_commit=${pg.synchronousCommit}`;
  t.add('postgres limit', `pgbench TPC-B -s ${pg.scale} -c ${pg.clients} -j ${pg.threads} -T ${pg.seconds}`, `${pg.tps.toFixed(0)} tps (${settings})`);
  const ratio = pg.erpbiCommitsPerSec ? `${pg.erpbiCommitsPerSec.toFixed(0)} / ${pg.tps.toFixed(0)} = ${(pg.ratio! * 100).toFixed(0)}%` : '-';
  t.add('postgres limit', 'erpbi commits/s at best rate / pgbench tps', ratio);
}

function coldStartRows(t: Table, f: RunFacts): void {
  const mem = f.memory;
  for (const c of f.cold) {
    const s = summarize(c.coldMs);
    const m = mem.idle[c.name] ? `; in the box ${mb(mem.idle[c.name]!.rssKb)} idle / ${mb(mem.peak[c.name]?.rssKb ?? 0)} peak MB` : '';
    const start = `${ms(s.p50)} ms${c.coldMs.length > 1 ? ` (max ${ms(s.max)})` : ''}`;
    t.add('function: cold start, bundle, RSS', c.name, `${start}, ${(c.bytes / 1024).toFixed(0)} kB, ${(c.rssKb / 1024).toFixed(0)} MB after start${m}`);
  }
  const w = f.workspace;
  const js = `${w.initialKb.toFixed(1)} kB before the first screen, ${w.lazyKb.toFixed(1)} kB more on opening the dashboard`;
  t.add('workspace (Chromium)', 'JavaScript gzipped', js);
  t.add('workspace (Chromium)', 'sign-in -> orders list drawn (ms p50/p95/p99/max)', triple(w.signInToOrdersMs));
  t.add('workspace (Chromium)', 'Dashboard click -> all panels drawn', triple(w.dashboardMs));
}

function memoryRows(t: Table, f: RunFacts): void {
  const mem = f.memory;
  const sec = 'memory MB (RSS idle / peak)';
  const fnNames = Object.keys(mem.idle).filter((n) => !infra.includes(n));
  const fnIdle = fnNames.reduce((a, n) => a + mem.idle[n]!.rssKb, 0);
  const fnPeak = fnNames.reduce((a, n) => a + (mem.peak[n]?.rssKb ?? 0), 0);
  t.add(sec, `functions (${fnNames.length}), sum`, `${mb(fnIdle)} / ${mb(fnPeak)}`);
  for (const n of infra) {
    if (!mem.idle[n]) continue;
    const runtime = `runtime (supervisor${mem.idle.gateway ? '' : ', gateway'})`;
    const label = n === 'postgres' ? `postgres (${mem.idle[n]!.procs}/${mem.peak[n]?.procs ?? 0} processes)` : n === 'runtime' ? runtime : n;
    t.add(sec, label, `${mb(mem.idle[n]!.rssKb)} / ${mb(mem.peak[n]?.rssKb ?? 0)}`);
  }
  const idle = `${mb(mem.idleTotal.rssKb)} (${mb(mem.idleTotal.pssKb)})`;
  t.add(sec, 'whole box: RSS sum (PSS sum)', `${idle} / ${mb(mem.peakTotal.rssKb)} (${mb(mem.peakTotal.pssKb)})`);
}

function olapRows(t: Table, f: RunFacts): void {
  const { sizes, rebuilt } = f.olap;
  if (!sizes.length) {
    t.add('OLAP', 'apply / rebuild / queries', f.olapRuns ? 'skipped (--no-olap or not fed)' : 'pending: functions/project-to-olap not in this box');
    return;
  }
  for (const o of sizes) {
    const sec = `OLAP @ ${o.size.toLocaleString('en')} orders`;
    const published = `published ${(o.load.events / (o.load.publishMs / 1000)).toFixed(0)}/s`;
    const projected = `projected ${(o.load.events / (o.load.projectedMs / 1000)).toFixed(0)}/s end to end`;
    t.add(sec, 'synthetic load', `${o.load.events} events: ${published}, ${projected}, apply ${o.load.applyRate.toFixed(0)} events/s while behind`);
    const listed = (qs: OlapAtSize['queries']) =>
      Object.entries(qs).map(([n, q]) => `${n} ${ms(q.p95)} (${ms(q.p50)})${q.status !== 200 ? ` [${q.status}]` : ''}`);
    t.add(sec, 'query p95 (p50) ms, computed (no-cache)', listed(o.queries).join(', '));
    t.add(sec, 'query p95 (p50) ms, asked again between batches', listed(o.queriesCached).join(', '));
  }
  const pp = f.olapPeak['project-to-olap'];
  if (pp) t.add('OLAP', 'projector RSS peak (load, queries, rebuild)', `${(pp.rssKb / 1024).toFixed(0)} MB`);
  if (!rebuilt) return;
  const done = `${rebuilt.events} events in ${(rebuilt.ms / 1000).toFixed(1)} s = ${rebuilt.rate.toFixed(0)} events/s`;
  t.add('OLAP', 'rebuild from stream', rebuilt.status === 200 ? done : `failed: ${rebuilt.status} ${JSON.stringify(rebuilt.body).slice(0, 200)}`);
}

/** Where the time goes at the rate that held (or the last that passed, or the first step). */
/** The step a run's per-order figures are read from: the sustained rate, else the last that passed, else the first. */
export function referenceStep(f: RunFacts): StepReport | undefined {
  return f.throughput.sustained ?? f.steps.filter((s) => s.pass).at(-1) ?? f.steps[0];
}

function profileRows(t: Table, f: RunFacts): void {
  const prof = referenceStep(f);
  if (!prof) return;
  const sec = `where the time goes @ ${prof.rate}/s (ms p50/p95/p99/max)`;
  for (const [hop, s] of Object.entries(prof.hops)) t.add(sec, hop, triple(s));
  const cpu = Object.entries(prof.cpuSeconds)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1]);
  const perOrder = (v: number) => ((v * 1000) / Math.max(1, prof.orders)).toFixed(2);
  const top = cpu.slice(0, 7).map(([n, v]) => `${n} ${perOrder(v)}`);
  const rest = cpu.slice(7).reduce((a, [, v]) => a + v, 0);
  const all = cpu.reduce((a, [, v]) => a + v, 0);
  t.add(sec, 'CPU ms per order (box total)', `${perOrder(all)}: ${top.join(', ')}, others ${perOrder(rest)}`);
  for (const p of prof.profile?.slice(0, 8) ?? []) {
    const top6 = p.top.slice(0, 6).map((x) => `${x.what} ${x.pct.toFixed(0)}%`);
    t.add(`CPU profile @ ${prof.rate}/s (self time)`, `${p.name}: ${(p.cpuMs / 1000).toFixed(1)} s`, top6.join(', '));
  }
}

export function renderTable(f: RunFacts): string {
  const t = new Table();
  for (const rows of [runRows, flowRows, throughputRows, coldStartRows, memoryRows, olapRows, profileRows]) rows(t, f);
  return t.render();
}
