import type { StepReport } from './measured-step.js';
import { referenceStep, type RunFacts } from './report.js';
import { ms, summarize } from './stats.js';
import { grid } from './table.js';

// Issue 24's goals against what this run measured: each goal, the value, met or not. A goal this run
// could not reach (no step at 50 orders/s) says so and what it reached, a goal the run's options left out
// says that: no invented value.

export type GoalStatus = 'met' | 'not met' | 'not reached' | 'not measured';
export interface Goal {
  goal: string;
  /** The measured value in `unit`; absent when not reached or not measured. */
  value?: number;
  unit: string;
  shown: string;
  target: string;
  status: GoalStatus;
}

const projector = 'project-to-olap';
const infra = ['runtime', 'gateway', 'connector', 'postgres', 'nats-server', 'object-storage'];
const mb = (kb: number) => kb / 1024;

const num = (v: number, unit: string) => (unit === 'ratio' ? v.toFixed(3) : v >= 100 ? Math.round(v).toLocaleString('en') : v.toFixed(1));

function judged(goal: string, unit: string, value: number, max: number, target: string, note = ''): Goal {
  const shown = `${num(value, unit)}${unit && unit !== 'ratio' ? ` ${unit}` : ''}${note ? ` ${note}` : ''}`;
  return { goal, value, unit, shown, target, status: value <= max ? 'met' : 'not met' };
}
const atLeast = (goal: string, unit: string, value: number, min: number, target: string, note = ''): Goal => ({
  ...judged(goal, unit, value, Infinity, target, note),
  status: value >= min ? 'met' : 'not met',
});
const missing = (goal: string, unit: string, target: string, status: GoalStatus, why: string): Goal => ({ goal, unit, shown: why, target, status });

/** The step run at 50 orders/s (the sustained run if it was at 50, else the ladder's), or the next rate above it. */
function at50(f: RunFacts): StepReport | undefined {
  const all = [...f.throughput.attempts, ...f.steps].filter((s) => s.rate >= 50);
  return all.find((s) => s.rate === 50) ?? all.sort((a, b) => a.rate - b.rate)[0];
}

function reached(f: RunFacts): string {
  const best = Math.max(0, ...[...f.steps, ...f.throughput.attempts].filter((s) => s.pass).map((s) => s.rate));
  const failed = f.steps.find((s) => !s.pass)?.rate;
  const held = best ? `the highest rate that held: ${best}/s` : 'no rate held';
  return `not reached: the run stopped below 50/s (${held}${failed ? `; ${failed}/s failed` : ''})`;
}

function flowGoals(f: RunFacts): Goal[] {
  const s = at50(f);
  const where = s ? `@ ${s.rate}/s${s.pass ? '' : ` (the step failed: ${s.errorCount} errors, flow p99 ${ms(s.flowMs.p99)} ms)`}` : '';
  const olap = 'payment -> projected in OLAP, p99 at 50 orders/s';
  const inv = 'due -> invoiced, p99 at 50 orders/s';
  return [
    !s
      ? missing(olap, 'ms', '<= 250 ms', 'not reached', reached(f))
      : !f.olapMode
        ? missing(olap, 'ms', '<= 250 ms', 'not measured', 'the projector was not fed: paid measured in Postgres')
        : judged(olap, 'ms', s.payToOlapMs.p99, 250, '<= 250 ms', where),
    s ? judged(inv, 'ms', s.toInvoicedMs.p99, 150, '<= 150 ms', where) : missing(inv, 'ms', '<= 150 ms', 'not reached', reached(f)),
  ];
}

function costGoals(f: RunFacts): Goal[] {
  const out: Goal[] = [];
  const pg = f.pgbench;
  const ratio = 'sustained orders/s / pgbench TPS';
  const sustained = f.throughput.sustained;
  if (pg.skipped) out.push(missing(ratio, 'ratio', '>= 0.04', 'not measured', 'pgbench skipped (--flow-only / --olap-only)'));
  else if (!sustained) out.push(missing(ratio, 'ratio', '>= 0.04', 'not reached', `no rate held (pgbench ${pg.tps.toFixed(0)} tps)`));
  else out.push(atLeast(ratio, 'ratio', sustained.rate / pg.tps, 0.04, '>= 0.04', `(${sustained.rate}/s / ${pg.tps.toFixed(0)} tps)`));
  const ref = referenceStep(f);
  const cpu = 'CPU per order, whole box';
  const share = "documents' share of the CPU per order";
  const commits = 'Postgres commits per order';
  if (!ref) return [...out, ...[cpu, share, commits].map((g) => missing(g, '', '', 'not measured', 'no flow step ran'))];
  const pgNote = Number.isFinite(pg.tps) ? `, pgbench ${pg.tps.toFixed(0)} tps` : '';
  out.push(judged(cpu, 'ms', ref.cpuMsPerOrder, 10, '<= 10 ms (on a day pgbench >= 2,000 tps)', `@ ${ref.rate}/s${pgNote}`));
  const d = ref.documents;
  const docs = `${ref.cpuMsPerOrderWithoutDocuments.toFixed(1)} ms without documents; ${d.rendered} rendered, ${d.msPerDocument?.toFixed(1) ?? '-'} ms render each`;
  const pct = ((ref.cpuMsPerOrder - ref.cpuMsPerOrderWithoutDocuments) / ref.cpuMsPerOrder) * 100;
  out.push({ ...judged(share, '%', pct, 10, '<= 10 %', `(${docs})`), shown: `${pct.toFixed(0)} % (${docs})` });
  out.push(judged(commits, '', ref.commitsPerOrder, 6, '<= 6', `@ ${ref.rate}/s`));
  return out;
}

function worst<T>(items: T[], by: (t: T) => number): T | undefined {
  return items.reduce<T | undefined>((a, t) => (a === undefined || by(t) > by(a) ? t : a), undefined);
}

function startGoals(f: RunFacts): Goal[] {
  if (!f.cold.length) return [missing('cold start / bundle size', '', '', 'not measured', 'cold starts skipped (--flow-only / --olap-only)')];
  const median = (c: RunFacts['cold'][number]) => summarize(c.coldMs).p50;
  const others = f.cold.filter((c) => c.name !== projector);
  const proj = f.cold.find((c) => c.name === projector);
  const slow = worst(others, median)!;
  // What a start reads (index.js and the chunks it imports at once): index.js alone hides what splitting moved out of it.
  const big = worst(others, (c) => c.startBytes)!;
  const out = [
    judged('cold start (spawn -> first 200), worst function', 'ms', median(slow), 100, '<= 100 ms', `(${slow.name})`),
    judged('bundle size (read at start), worst function', 'kB', big.startBytes / 1024, 300, '<= 300 kB', `(${big.name})`),
  ];
  if (proj) {
    out.push(judged('cold start, the projector', 'ms', median(proj), 200, '<= 200 ms'));
    out.push(judged('bundle size (read at start), the projector', 'kB', proj.startBytes / 1024, 300, '<= 300 kB'));
  }
  return out;
}

function memoryGoals(f: RunFacts): Goal[] {
  const idle = Object.entries(f.memory.idle).filter(([n]) => !infra.includes(n));
  const fat = worst(
    idle.filter(([n]) => n !== projector),
    ([, m]) => m.rssKb,
  )!;
  const out = [judged('idle RSS per function, worst', 'MB', mb(fat[1].rssKb), 45, '<= 45 MB', `(${fat[0]})`)];
  const p = f.memory.idle[projector];
  if (p) out.push(judged('idle RSS, the projector', 'MB', mb(p.rssKb), 150, '<= 150 MB'));
  out.push(judged('whole box PSS, idle', 'MB', mb(f.memory.idleTotal.pssKb), 600, '<= 600 MB'));
  return out;
}

function olapGoals(f: RunFacts): Goal[] {
  const sizes = f.olap.sizes;
  const big = sizes.at(-1);
  if (!big) return [missing('OLAP at volume', '', '', 'not measured', 'OLAP skipped (--no-olap, --flow-only or not fed)')];
  const n = big.size.toLocaleString('en');
  const slow = worst(Object.entries(big.queries), ([, q]) => q.p95)!;
  const out = [judged(`every BI named query p95 at ${n} orders, worst`, 'ms', slow[1].p95, 20, '<= 20 ms', `(${slow[0]})`)];
  const prev = sizes.at(-2);
  const vs = 'BI query p95, largest size / the one before, worst';
  if (!prev) out.push(missing(vs, 'ratio', '<= 1 (1M vs 100k)', 'not measured', `one OLAP size only (${n}); --olap=100000,1000000`));
  else {
    const ratios = Object.entries(big.queries).map(([q, s]) => [q, s.p95 / prev.queries[q]!.p95] as const);
    const r = worst(ratios, ([, x]) => x)!;
    out.push(judged(vs, 'ratio', r[1], 1, '<= 1 (1M vs 100k)', `(${r[0]}, ${n} vs ${prev.size.toLocaleString('en')})`));
  }
  out.push(atLeast(`OLAP rebuild at ${n} orders`, 'events/s', big.rebuild.rate, 50_000, '>= 50,000 events/s'));
  out.push(atLeast(`OLAP apply while behind at ${n} orders`, 'events/s', big.load.applyRate, 20_000, '>= 20,000 events/s'));
  return out;
}

export function goalsOf(f: RunFacts): Goal[] {
  return [...flowGoals(f), ...costGoals(f), ...startGoals(f), ...memoryGoals(f), ...olapGoals(f)];
}

export function renderGoals(goals: Goal[]): string {
  return grid(
    ['goal (issue 24)', 'measured', 'goal', 'status'],
    goals.map((g) => [g.goal, g.shown, g.target, g.status]),
  );
}
