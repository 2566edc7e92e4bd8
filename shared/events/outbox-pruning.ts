import { deleteBounded } from '../db/bounded-delete.js';
import type { Pool } from '../db/pool.js';

/**
 * Deletes up to `limit` outbox rows published more than `olderThanMs` ago (the pruner's step). Once
 * JetStream has acknowledged a row it is the stream, not the outbox, that is the record; the row is kept
 * a while for inspection. An unpublished row is never deleted, however old: it is an event not yet sent.
 */
export function deletePublishedBefore(db: Pool, olderThanMs: number, limit: number): Promise<number> {
  return deleteBounded(db, 'platform.outbox', 'published_at < now() - make_interval(secs => $1::double precision / 1000)', [olderThanMs], limit);
}
