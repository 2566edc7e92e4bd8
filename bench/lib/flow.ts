import { OrderTracker, type FlowContext } from './order-tracker.js';
import { now, sleep } from './stats.js';
import { summarizeStep, type StepResult } from './step-summary.js';

// The headline flow under open-loop load: orders are due on a fixed schedule whatever the box
// answers, and every latency counts from the moment the request was due (no coordinated omission).
// What happens after the create answer is read from the box's own event stream (event-tap.ts).

export type { FlowContext } from './order-tracker.js';
export type { StepResult } from './step-summary.js';

/** The schedule: order i is due at start + i/rate, sent as soon as the timer allows. Gives the start. */
async function sendOnSchedule(t: OrderTracker, rate: number, seconds: number): Promise<number> {
  const total = Math.round(rate * seconds);
  const t0 = now() + 20;
  let i = 0;
  while (i < total) {
    const at = now();
    while (i < total && t0 + (i * 1000) / rate <= at) {
      t.send({ due: t0 + (i * 1000) / rate });
      i += 1;
    }
    if (i < total) await sleep(Math.max(0, Math.min(5, t0 + (i * 1000) / rate - now())));
  }
  return t0;
}

/** Waits (up to `drainMs`) for every order sent to finish. */
async function drain(t: OrderTracker, drainMs: number): Promise<void> {
  const deadline = now() + drainMs;
  while (!t.recs.every((r) => t.isDone(r)) && now() <= deadline) await sleep(50);
}

/** One open-loop step: `rate` orders/s for `seconds`, then waits (up to `drainMs`) for every order to finish. */
export async function runStep(ctx: FlowContext, rate: number, seconds: number, drainMs: number): Promise<StepResult> {
  const t = new OrderTracker(ctx);
  const t0 = await sendOnSchedule(t, rate, seconds);
  await drain(t, drainMs);
  const wallMs = now() - t0;
  t.timeOutUnfinished();
  t.detach();
  // Let late verifications land.
  await sleep(200);
  return summarizeStep(ctx, t, rate, seconds, wallMs);
}
