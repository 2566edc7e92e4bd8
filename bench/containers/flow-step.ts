import './project.js';
import { commits } from '../lib/box.js';
import { busyPct, machineBusy } from '../lib/cpu.js';
import { runStep, type FlowContext, type StepResult } from '../lib/flow.js';
import { settle } from '../lib/measured-step.js';
import { triple } from '../lib/stats.js';
import { containersOf, cpuSeconds, mb, memory, type Container } from './cgroup.js';
import { benchProject } from './project.js';

// The box's flow step (bench/lib/flow.ts: the same open-loop schedule, tracker and percentiles) on the
// container stack, with what each container spent on it: CPU seconds from its cgroup over the step,
// per completed order, and its memory, sampled each second against its limit.

export interface ContainerCost {
  cpuSeconds: number;
  cpuMsPerOrder: number;
  /** docker stats' figure (usage less inactive file cache), peak of the 1 s samples over the step. */
  memoryPeakMb: number;
  memoryLimitMb: number;
}

export interface ContainerStep extends StepResult {
  perContainer: Record<string, ContainerCost>;
  /** Every container together. */
  cpuSecondsTotal: number;
  cpuMsPerOrderTotal: number;
  commitsPerOrder: number;
  machineBusyPct: number;
  benchCpuPct: number;
}

/** CPU seconds of every running container, by service. */
export function cpuOf(cs: Record<string, Container>): Record<string, number> {
  return Object.fromEntries(
    Object.values(cs)
      .filter((c) => c.running)
      .map((c) => [c.service, cpuSeconds(c)]),
  );
}

/** Samples each running container's memory every `everyMs` and keeps the peak per service. */
export class MemoryPeaks {
  readonly peak: Record<string, number> = {};
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly cs: Record<string, Container>) {}
  sample(): void {
    for (const c of Object.values(this.cs)) {
      if (!c.running) continue;
      const used = memory(c).workingSet;
      this.peak[c.service] = Math.max(this.peak[c.service] ?? 0, used);
    }
  }
  start(everyMs: number): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }
  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }
}

export async function warmUp(ctx: FlowContext, say: (s: string) => void): Promise<void> {
  const warm = await runStep(ctx, 10, 5, 30_000);
  say(`containers: warm-up ${warm.completed}/${warm.orders} completed, flow ${triple(warm.flowMs)} ms`);
  if (warm.completed === 0)
    throw new Error(`warm-up: no order of ${warm.orders} completed on the stack: ${JSON.stringify(warm.errors)} ${JSON.stringify(warm.errorSamples)}`);
  await settle(ctx.tap);
}

export async function measuredContainerStep(ctx: FlowContext, pgUrl: string, rate: number, seconds: number, drainMs: number): Promise<ContainerStep> {
  const cs = containersOf(benchProject);
  const c0 = await commits(pgUrl);
  const cpu0 = cpuOf(cs);
  const busy0 = machineBusy();
  const self0 = process.cpuUsage();
  const mem = new MemoryPeaks(cs);
  mem.start(1000);
  const s = await runStep(ctx, rate, seconds, drainMs);
  mem.stop();
  const cpu1 = cpuOf(cs);
  const busy1 = machineBusy();
  const self = process.cpuUsage(self0);
  await new Promise((r) => setTimeout(r, 1100)); // pg_stat_database is flushed about once a second
  const c1 = await commits(pgUrl);
  const perOrder = (sec: number) => (sec * 1000) / Math.max(1, s.completed);
  const perContainer: Record<string, ContainerCost> = {};
  for (const [service, after] of Object.entries(cpu1)) {
    const cpu = Math.max(0, after - (cpu0[service] ?? 0));
    perContainer[service] = {
      cpuSeconds: Math.round(cpu * 1000) / 1000,
      cpuMsPerOrder: Math.round(perOrder(cpu) * 100) / 100,
      memoryPeakMb: mb(mem.peak[service] ?? NaN),
      memoryLimitMb: mb(cs[service]!.memoryLimit),
    };
  }
  const total = Object.values(perContainer).reduce((a, c) => a + c.cpuSeconds, 0);
  return {
    ...s,
    perContainer,
    cpuSecondsTotal: Math.round(total * 1000) / 1000,
    cpuMsPerOrderTotal: Math.round(perOrder(total) * 100) / 100,
    commitsPerOrder: (c1 - c0) / Math.max(1, s.orders),
    machineBusyPct: busyPct(busy0, busy1),
    benchCpuPct: ((self.user + self.system) / 1e6 / (s.wallMs / 1000)) * 100,
  };
}
