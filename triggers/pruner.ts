import type { Pool } from '../shared/db/pool.js';
import { deleteProcessedBefore } from '../shared/events/inbox.js';
import { deletePublishedBefore } from '../shared/events/outbox-pruning.js';
import { deleteExpired } from '../shared/idempotency/persistence.js';
import type { Logger } from '../shared/log.js';
import type { ConnectorMetrics } from './metrics.js';
import type { Retention } from './retention.js';

// What each platform table loses per tick: one bounded DELETE (shared/db/bounded-delete.ts) each.
const steps = {
  idempotency: (db: Pool, r: Retention) => deleteExpired(db, r.batchRows),
  processed_events: (db: Pool, r: Retention) => deleteProcessedBefore(db, r.processedEventsMs, r.batchRows),
  outbox: (db: Pool, r: Retention) => deletePublishedBefore(db, r.publishedOutboxMs, r.batchRows),
};
export type PrunedTable = keyof typeof steps;

/** One tick: rows deleted per table, or the error of a table that failed (the others still go). */
export async function pruneOnce(db: Pool, r: Retention): Promise<Record<PrunedTable, number | Error>> {
  const result = {} as Record<PrunedTable, number | Error>;
  // One after the other: the connector's pool is small, and the sweeper shares it.
  for (const [table, step] of Object.entries(steps) as [PrunedTable, (typeof steps)[PrunedTable]][]) {
    result[table] = await step(db, r).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  }
  return result;
}

/** Prunes the platform tables every `r.everyMs`, next to the outbox sweeper in the connector process. */
export function startPruner(db: Pool, log: Logger, metrics: ConnectorMetrics, r: Retention): () => void {
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const result = await pruneOnce(db, r);
      for (const [table, n] of Object.entries(result)) {
        if (n instanceof Error) {
          metrics.pruneFailures.inc({ table });
          log.warn({ table, err: n.message }, 'pruning failed; next round will retry');
        } else if (n > 0) {
          metrics.pruned.inc({ table }, n);
          // A full batch means a backlog: the next ticks work it off, one bounded statement at a time.
          log.info({ table, pruned: n, backlog: n === r.batchRows }, 'pruned');
        }
      }
    } finally {
      busy = false;
    }
  }, r.everyMs);
  return () => clearInterval(timer);
}
