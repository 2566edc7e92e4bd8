import type { Settings } from '../shared/config.js';
import { maxDeliver, redeliveryHorizonMs } from './retry-policy.js';
import type { StackFunction } from '../shared/stack.js';

const hour = 3600_000;

/**
 * How long the connector's pruner (pruner.ts) keeps rows, and how it paces itself; the settings are in
 * shared/config.ts with these defaults. Idempotency records are not here: each carries its own expiry,
 * set by the function that stored it (IDEMPOTENCY_WINDOW_HOURS, shared/idempotency/expiry.ts).
 * - PROCESSED_EVENTS_KEEP_HOURS, processed-event ids: 7 days. An id must outlive every redelivery of its
 *   event, or the redelivery applies the effect a second time. The connector redelivers for at most
 *   redeliveryHorizonMs() of its running time (render-document, 1500 deliveries: about 37.5 h); the
 *   margin beyond it (about 5.4 days) covers connector outages with events in flight. Checked below.
 * - PUBLISHED_OUTBOX_KEEP_HOURS, published outbox rows: 7 days, for inspection (what did this command
 *   emit?). JetStream acknowledged them: the stream, not the outbox, is the record. Unpublished rows are
 *   never pruned.
 * - PRUNE_EVERY_SECONDS, PRUNE_BATCH_ROWS: one bounded DELETE per table per tick, up to 2000 rows a table
 *   every 10 s (720,000 an hour), far above what a small firm writes, each statement short enough never
 *   to hold a function up.
 */
export type RetentionSettings = Pick<Settings, 'PROCESSED_EVENTS_KEEP_HOURS' | 'PUBLISHED_OUTBOX_KEEP_HOURS' | 'PRUNE_EVERY_SECONDS' | 'PRUNE_BATCH_ROWS'>;

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
