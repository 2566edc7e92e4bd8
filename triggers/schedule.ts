import { Cron } from 'croner';
import type { Logger } from '../shared/log.js';
import { postJson } from './invoke.js';
import { withFallback, type FunctionUrls } from './function-urls.js';
import type { Schedule } from '../shared/stack.js';

// Scheduled invocations: a function's route POSTed on a cron schedule (UTC), from stack.yml's annotations
//   erpbi.schedule: "20 5 * * *"        erpbi.schedule-path: "/reminders"
// Why not OpenFaaS's cron-connector: it invokes a function's root path (`/function/<name>`), which on
// create-invoice is its event reaction, and on faasd CE a function annotated `topic: cron-function` could
// not also take its NATS topics. So the connector that already feeds the functions keeps the clock.
// What is scheduled must be harmless to run twice (two connectors, a restart, a run by hand at the same
// time): the reminder run is (shared/billing/reminders.ts). It also runs once 30 s after the connector
// starts (the functions up by then, or the failure logged), so a box that was off at the scheduled minute
// catches up the same day.

export interface ScheduleOptions {
  urls: FunctionUrls;
  token: () => Promise<string>;
  log: Logger;
  /** Also run each once shortly after start (the default), once the functions are likely up; tests turn it off. */
  runAtStart?: boolean;
  startDelayMs?: number;
}

/** Starts every schedule; the answer stops them. A run still going when the next falls due is not doubled. */
export function startSchedules(fns: readonly { name: string; schedule?: Schedule | undefined }[], opts: ScheduleOptions): () => void {
  const timers: NodeJS.Timeout[] = [];
  const jobs = fns.flatMap((f) => {
    const schedule = f.schedule;
    if (!schedule) return [];
    const run = async () => void (await invokeScheduled(f.name, schedule.path, opts));
    const job = new Cron(schedule.cron, { timezone: 'UTC', protect: true }, run);
    if (opts.runAtStart ?? true) timers.push(setTimeout(() => void run(), opts.startDelayMs ?? 30_000).unref());
    opts.log.info({ fn: f.name, path: schedule.path, cron: schedule.cron, next: job.nextRun()?.toISOString() }, 'schedule started');
    return [job];
  });
  return () => {
    timers.forEach(clearTimeout);
    jobs.forEach((j) => j.stop());
  };
}

/** One scheduled call; a failure is logged (the next run tries again), never thrown into the timer. */
export async function invokeScheduled(fn: string, path: string, opts: Pick<ScheduleOptions, 'urls' | 'token' | 'log'>): Promise<boolean> {
  try {
    const headers = { authorization: `Bearer ${await opts.token()}`, 'x-correlation-id': `schedule-${fn}-${Date.now()}` };
    const res = await withFallback(opts.urls, fn, path, (url, direct) => postJson(url, headers, '{}', 10 * 60_000, 2000, direct));
    if (res.status >= 200 && res.status < 300) {
      opts.log.info({ fn, path, answer: res.text.slice(0, 500) }, 'scheduled run done');
      return true;
    }
    opts.log.warn({ fn, path, status: res.status, answer: res.text }, 'scheduled run refused; the next run tries again');
  } catch (err) {
    opts.log.warn({ fn, path, err: (err as Error).message }, 'scheduled run failed; the next run tries again');
  }
  return false;
}
