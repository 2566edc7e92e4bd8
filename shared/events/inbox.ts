import { deleteBounded } from '../db/bounded-delete.js';
import type { Pool, Tx } from '../db/pool.js';

// platform.processed_events: the ids of the events each reaction has applied (the inbox side of the
// outbox). JetStream delivers at least once; this row, written in the transaction of the effect, makes
// the effect happen once.

/** True the first time `consumer` sees `eventId`; false for a redelivery, whose effect is already committed. */
export async function firstDelivery(tx: Tx, consumer: string, eventId: string): Promise<boolean> {
  const res = await tx.query('insert into platform.processed_events (consumer, event_id) values ($1, $2) on conflict do nothing returning event_id', [
    consumer,
    eventId,
  ]);
  return res.rowCount === 1;
}

/**
 * Deletes up to `limit` ids processed more than `olderThanMs` ago (the pruner's step). Only safe for ids
 * no consumer can be redelivered any more: the window must outlast the connector's redelivery horizon
 * (triggers/retention.ts checks it against stack.yml at start).
 */
export function deleteProcessedBefore(db: Pool, olderThanMs: number, limit: number): Promise<number> {
  return deleteBounded(db, 'platform.processed_events', 'processed_at < now() - make_interval(secs => $1::double precision / 1000)', [olderThanMs], limit);
}
