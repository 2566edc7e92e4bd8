import { commits, type BenchBox } from './box.js';
import { busyPct, cpuSeconds, cpuTicks, machineBusy } from './cpu.js';
import type { EventTap } from './event-tap.js';
import { runStep, type FlowContext, type StepResult } from './flow.js';
import { documentsBetween, readRenderMetric, type DocumentsInStep } from './documents-metric.js';
import { figure } from './fail.js';
import { cfg, dataDir, profileDir, profiling, say } from './options.js';
import { readProfiles, type ProcessProfile } from './profile.js';
import { now, sleep, triple } from './stats.js';

// One step of the flow with what it cost the machine: Postgres commits, CPU per process, how busy
// the machine and the bench client were, and (with --profile) where each process spent its CPU.

export interface StepReport extends StepResult {
  profile?: ProcessProfile[];
  commitsPerSec: number;
  commitsPerOrder: number;
  cpuSeconds: Record<string, number>;
  /** Documents render-document rendered over the step and the render time per document (its histogram). */
  documents: DocumentsInStep;
  /** The box's CPU per order, whole and without render-document (ms). */
  cpuMsPerOrder: number;
  cpuMsPerOrderWithoutDocuments: number;
  benchCpuPct: number;
  machineBusyPct: number;
  pass: boolean;
}

const passes = (s: StepResult) => s.errorCount === 0 && s.flowMs.p99 < cfg.sloMs;

/** --profile: every node process of the box samples its CPU; SIGUSR2 cuts a window (cpu-profile-preload.mjs). */
async function cutProfiles(pids: Record<string, number>): Promise<void> {
  for (const [name, pid] of Object.entries(pids)) {
    if (name === 'postgres' || name === 'nats-server') continue;
    try {
      process.kill(pid, 'SIGUSR2');
    } catch {
      // gone
    }
  }
  await sleep(1500); // profiles are written asynchronously
}

function cpuPerOrder(cpu: Record<string, number>, orders: number) {
  const all = Object.values(cpu).reduce((a, v) => a + v, 0);
  figure('the box CPU time over a step', all);
  const perOrder = (v: number) => (v * 1000) / Math.max(1, orders);
  return { cpuMsPerOrder: perOrder(all), cpuMsPerOrderWithoutDocuments: perOrder(all - (cpu['render-document'] ?? 0)) };
}

export async function measuredStep(ctx: FlowContext, b: BenchBox, pids: Record<string, number>, rate: number, seconds: number): Promise<StepReport> {
  const c0 = await commits(b.pgUrl('postgres'));
  const docs0 = await readRenderMetric(dataDir);
  const cpu0 = cpuTicks(pids);
  const busy0 = machineBusy();
  const self0 = process.cpuUsage();
  if (profiling) await cutProfiles(pids);
  const s = await runStep(ctx, rate, seconds, cfg.drainMs);
  if (profiling) await cutProfiles(pids);
  await sleep(1100); // pg_stat_database is flushed about once a second
  const c1 = await commits(b.pgUrl('postgres'));
  const cpu = cpuSeconds(cpu0, cpuTicks(pids));
  const documents = documentsBetween(docs0, await readRenderMetric(dataDir));
  const busy1 = machineBusy();
  const self = process.cpuUsage(self0);
  const wallS = (s.wallMs + 1100) / 1000;
  figure(`Postgres commits over the ${rate}/s step`, c1 - c0);
  const report: StepReport = {
    ...s,
    commitsPerSec: (c1 - c0) / wallS,
    commitsPerOrder: (c1 - c0) / Math.max(1, s.orders),
    cpuSeconds: cpu,
    documents,
    ...cpuPerOrder(cpu, s.orders),
    benchCpuPct: ((self.user + self.system) / 1e6 / wallS) * 100,
    machineBusyPct: busyPct(busy0, busy1),
    pass: passes(s),
    ...(profiling ? { profile: readProfiles(profileDir) } : {}),
  };
  if (Object.keys(s.errorSamples).length) say(`  first answers of each error: ${JSON.stringify(s.errorSamples)}`);
  const docs = `${documents.rendered} documents, ${documents.msPerDocument?.toFixed(1) ?? '-'} ms each`;
  const verdict = `${report.commitsPerSec.toFixed(0)} commits/s; ${report.cpuMsPerOrder.toFixed(1)} CPU ms/order (${docs}); machine ${report.machineBusyPct.toFixed(0)}% busy -> ${report.pass ? 'pass' : 'FAIL'}`;
  say(
    `  ${rate}/s x ${seconds}s: ${s.orders} orders, ${s.errorCount} errors ${JSON.stringify(s.errors)}; flow p50/p95/p99/max ${triple(s.flowMs)} ms; ${verdict}`,
  );
  return report;
}

/** Waits until the box has been quiet (no new event) for a second. */
export async function settle(tap: EventTap, maxMs = 20_000) {
  const until = now() + maxMs;
  let last = tap.events;
  let quietSince = now();
  while (now() < until) {
    await sleep(200);
    if (tap.events !== last) {
      last = tap.events;
      quietSince = now();
    } else if (now() - quietSince > 1000 && (await tap.pending()) === 0) return;
  }
  say(`  not settled within ${(maxMs / 1000).toFixed(0)} s: ${await tap.pending()} messages still pending for the box's consumers`);
}
