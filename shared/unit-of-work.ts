import type { JetStreamClient } from '@nats-io/jetstream';
import { withTransaction, type Pool, type Tx } from './db/pool.js';
import { envelope, type Causation, type Envelope } from './events/envelope.js';
import type { EventData, EventType } from './events/registry.js';
import { addToOutbox, publishEvents, publishedMarksOf } from './events/outbox.js';
import type { Logger } from './log.js';

export interface Deps {
  db: Pool;
  js: JetStreamClient;
  prefix: string;
  log: Logger;
  /** The events stream (`<prefix>.>`), for a function that reads the log itself (the OLAP rebuild). */
  stream?: string;
  /** Published rows marked before the unit returns, not by the next unit (a Lambda container: frozen once it answers). */
  markPublishedAtOnce?: boolean;
}

// What a use case gets: its transaction, a way to raise events, and who caused it.
export interface UnitOfWork {
  tx: Tx;
  /** Raises an event of the registry's type with its data; published after commit. `causedBy`: an event
   *  raised earlier in this unit that caused this one (an order's status move caused by stock_reserved), so
   *  the chain of causes reads as it happened; by default the unit's own cause. */
  emit: <K extends EventType>(type: K, data: EventData<K>, causedBy?: Envelope) => Envelope;
  cause: Causation;
  now: Date;
}

/**
 * Runs `work` in one transaction with its events written to the outbox, then publishes them after
 * commit. A failed publish is only logged: the rows stay unpublished and the sweeper sends them.
 * The idempotency claim and the processed-events check run inside `work`, in the same transaction.
 * The same statement marks the rows earlier units of this pool published (outbox.ts, PublishedMarks):
 * their bookkeeping rides on this commit instead of one of its own.
 */
export async function runUnitOfWork<T>(deps: Deps, cause: Causation, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
  const events: Envelope[] = [];
  const marks = publishedMarksOf(deps.db);
  let carried: string[] = [];
  const result = await withTransaction(deps.db, async (tx) => {
    const now = new Date();
    const emit = <K extends EventType>(type: K, data: EventData<K>, causedBy?: Envelope) => {
      const e = envelope(type, data, causedBy ? { ...cause, causationId: causedBy.id } : cause, now);
      events.push(e);
      return e;
    };
    const value = await work({ tx, emit, cause, now });
    // Taken as late as possible: the ids published while `work` ran ride along too.
    carried = marks.take();
    await addToOutbox(tx, deps.prefix, events, carried);
    return value;
  }).catch((err: unknown) => {
    marks.add(carried); // rolled back: still unmarked, for the next unit or the linger's own UPDATE
    throw err;
  });
  if (events.length > 0) {
    await publishEvents(deps.db, deps.js, deps.prefix, events, deps.markPublishedAtOnce).catch((err: Error) =>
      deps.log.warn({ err: err.message, events: events.length }, 'publish after commit failed; the sweeper will retry'),
    );
  }
  return result;
}
