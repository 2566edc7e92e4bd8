import type { BenchBox } from './box.js';
import type { FlowContext } from './flow.js';
import { measuredStep, settle, type StepReport } from './measured-step.js';
import { cfg, say } from './options.js';

// The flow's two measures: the ladder of rising open-loop rates until one breaks the objective, then
// the throughput, the highest rate that holds for the whole sustained run.

export interface Throughput {
  sustained?: StepReport | undefined;
  attempts: StepReport[];
}

/** 1. The ladder: rising open-loop rates until one breaks the objective. */
export async function climb(ctx: FlowContext, b: BenchBox, pids: Record<string, number>, rates: number[]): Promise<StepReport[]> {
  const steps: StepReport[] = [];
  for (const rate of rates) {
    ctx.tap.forget();
    const step = await measuredStep(ctx, b, pids, rate, cfg.stepSeconds);
    steps.push(step);
    await settle(ctx.tap, step.pass ? 60_000 : 120_000); // a step can leave a backlog behind (documents, a failed step)
    if (!step.pass) break;
  }
  return steps;
}

/** 2. Throughput: between the last rate that passed and the first that failed, then the best, then 3/4 of it. */
export async function sustain(ctx: FlowContext, b: BenchBox, pids: Record<string, number>, steps: StepReport[], skip: boolean): Promise<Throughput> {
  const passed = steps.filter((s) => s.pass).map((s) => s.rate);
  const failed = steps.find((s) => !s.pass)?.rate;
  const best = passed.length ? Math.max(...passed) : 0;
  const between = failed && best ? Math.round((best + failed) / 2 / 10) * 10 : 0;
  const candidates = skip ? [] : [...new Set([between, best, Math.round((best * 0.75) / 10) * 10].filter((r) => r > 0))];
  const attempts: StepReport[] = [];
  for (const rate of candidates.slice(0, 3)) {
    ctx.tap.forget();
    say(`throughput: ${rate}/s for ${cfg.sustainSeconds}s`);
    const s = await measuredStep(ctx, b, pids, rate, cfg.sustainSeconds);
    attempts.push(s);
    await settle(ctx.tap, s.pass ? 60_000 : 120_000);
    if (s.pass) return { sustained: s, attempts };
  }
  return { attempts };
}
