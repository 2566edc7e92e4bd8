import { z } from 'zod';
import { maxDeliver, redeliveryHorizonMs } from './retry-policy.js';
import type { StackFunction } from './stack.js';

const hour = 3600_000;

/**
 * How long the connector's pruner (pruner.ts) keeps rows, and how it paces itself: part of the
 * connector's environment (main.ts). Idempotency records are not here: each carries its own expiry,
 * set by the function that stored it (IDEMPOTENCY_WINDOW_HOURS, shared/idempotency/expiry.ts).
 */
export const retentionSettings = z.object({
  // Processed-event ids: 7 days. An id must outlive every redelivery of its event, or the redelivery
  // applies the effect a second time. The connector redelivers for at most redeliveryHorizonMs() of
  // its running time (render-document, 1500 deliveries: about 37.5 h); the margin beyond it (about
  // 5.4 days) covers connector outages with events in flight. Checked against stack.yml at start.
  PROCESSED_EVENTS_KEEP_HOURS: z.coerce.number().positive().default(7 * 24),
  // Published outbox rows: 7 days, for inspection (what did this command emit?). JetStream acknowledged
  // them: the stream, not the outbox, is the record. Unpublished rows are never pruned.
  PUBLISHED_OUTBOX_KEEP_HOURS: z.coerce.number().positive().default(7 * 24),
  // One bounded DELETE per table per tick: up to 2000 rows a table every 10 s (720,000 an hour), far
  // above what a small firm writes, each statement short enough never to hold a function up.
  PRUNE_EVERY_SECONDS: z.coerce.number().positive().default(10),
  PRUNE_BATCH_ROWS: z.coerce.number().int().positive().max(100_000).default(2000),
});
export type RetentionSettings = z.infer<typeof retentionSettings>;

export interface Retention {
  processedEventsMs: number;
  publishedOutboxMs: number;
  everyMs: number;
  batchRows: number;
}

/**
 * The settings as the pruner takes them, refused when processed-event ids would be pruned before a
 * function of `fns` (stack.yml) can stop receiving redeliveries of their events.
 */
export function retentionFor(s: RetentionSettings, fns: StackFunction[]): Retention {
  const processedEventsMs = s.PROCESSED_EVENTS_KEEP_HOURS * hour;
  const longest = fns
    .map((f) => ({ name: f.name, lastDelivery: f.maxDeliver ?? maxDeliver, horizonMs: redeliveryHorizonMs(f.maxDeliver ?? maxDeliver) }))
    .sort((a, b) => b.horizonMs - a.horizonMs)[0];
  if (longest && processedEventsMs <= longest.horizonMs) {
    throw new Error(
      `erpbi: bad configuration: PROCESSED_EVENTS_KEEP_HOURS ${s.PROCESSED_EVENTS_KEEP_HOURS} is within the redelivery horizon of ` +
        `${longest.name} (${(longest.horizonMs / hour).toFixed(1)} h for erpbi.max-deliver ${longest.lastDelivery}): a redelivered event would be applied twice`,
    );
  }
  return { processedEventsMs, publishedOutboxMs: s.PUBLISHED_OUTBOX_KEEP_HOURS * hour, everyMs: s.PRUNE_EVERY_SECONDS * 1000, batchRows: s.PRUNE_BATCH_ROWS };
}
