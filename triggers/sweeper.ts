import type { JetStreamClient } from '@nats-io/jetstream';
import type { Pool } from '../shared/db/pool.js';
import { republishStale } from '../shared/events/outbox.js';
import type { Logger } from '../shared/log.js';
import type { ConnectorMetrics } from './metrics.js';

/** Publishes outbox rows that a crash between commit and publish left behind. */
export function startSweeper(db: Pool, js: JetStreamClient, log: Logger, metrics: ConnectorMetrics, everyMs = 2000, olderThanMs = 3000): () => void {
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const n = await republishStale(db, js, olderThanMs);
      if (n > 0) {
        metrics.republished.inc(n);
        log.info({ republished: n }, 'outbox sweeper published rows left behind');
      }
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'outbox sweep failed; next round will retry');
    } finally {
      busy = false;
    }
  }, everyMs);
  return () => clearInterval(timer);
}
