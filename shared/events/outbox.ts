import type { JetStreamClient } from '@nats-io/jetstream';
import type { Pool, Tx } from '../db/pool.js';
import { subjectFor } from './registry.js';
import type { Envelope } from './envelope.js';

// Marks published what is not yet, skipping rows another transaction holds: a unit of work carrying marks
// (addToOutbox) and the sweeper marking the same rows (lingering past its 3 s) then never wait on each
// other, so never deadlock; whichever holds a row marks it (a rolled-back unit gives its ids back).
const markableIds = 'select id from platform.outbox where id = any($1::uuid[]) and published_at is null for update skip locked';
const markSql = `update platform.outbox set published_at = now() where id in (${markableIds})`;

// Written in the caller's transaction: the events exist if and only if the state change does.
// One statement for all of them: a round trip costs more than the row (bench/ profile). `published`:
// rows this process published earlier and marks in the same statement (PublishedMarks below), so a
// unit of work carries the bookkeeping of the ones before it instead of a commit of its own.
export async function addToOutbox(tx: Tx, prefix: string, events: Envelope[], published: string[] = []): Promise<void> {
  if (events.length === 0 && published.length === 0) return;
  if (events.length === 0) {
    await tx.query(markSql, [published]);
    return;
  }
  await tx.query(
    `with marked as (update platform.outbox set published_at = now() where id in (${markableIds.replace('$1', '$4')}))
     insert into platform.outbox (id, subject, payload)
     select id, subject, payload::jsonb from unnest($1::uuid[], $2::text[], $3::text[]) as e(id, subject, payload)`,
    [events.map((e) => e.id), events.map((e) => subjectFor(prefix, e.type)), events.map((e) => JSON.stringify(e)), published],
  );
}

interface OutboxRow {
  id: string;
  subject: string;
  payload: Envelope;
}

// Publishes and waits for the PubAck; the event id is the Nats-Msg-Id, so a second publish of the same
// row (sweeper racing a slow function) is dropped by the server.
async function publish(js: JetStreamClient, rows: OutboxRow[]): Promise<void> {
  await Promise.all(rows.map((r) => js.publish(r.subject, JSON.stringify(r.payload), { msgID: r.id })));
}

/**
 * The rows a function published and has not marked yet. `published_at` is only the sweeper's
 * bookkeeping (it resends rows left unmarked for `olderThanMs`, 3 s; a resend inside the stream's
 * 2-minute duplicate window is dropped by Nats-Msg-Id), so the mark need not cost a commit of its own:
 * the function's next unit of work takes the ids and marks them in its transaction (addToOutbox), and
 * only when none comes within `lingerMs` does one UPDATE of its own mark what is left. A busy function
 * thus spends no commit on marks; an idle one one per burst. Kept well under the sweeper's 3 s, so a
 * row is resent only when its function died (or its Postgres was away) before marking it.
 */
export class PublishedMarks {
  private ids: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly lingerMs: number,
  ) {}

  add(ids: string[]): void {
    if (ids.length === 0) return;
    this.ids.push(...ids);
    // unref: a process that is leaving does not wait for it (its close step flushes, else the sweeper resends).
    this.timer ??= setTimeout(() => void this.flush(), this.lingerMs).unref();
  }

  /** The ids waiting, handed to a unit of work's transaction; give them back with add() if it rolls back. */
  take(): string[] {
    const ids = this.ids;
    this.ids = [];
    clearTimeout(this.timer);
    this.timer = undefined;
    return ids;
  }

  /** Marks what is waiting, in a statement of its own: the linger ran out, or the function is closing. */
  async flush(): Promise<void> {
    const ids = this.take();
    if (ids.length === 0) return;
    // A failure leaves them to the sweeper, whose resend is dropped as a duplicate: nothing to retry here.
    await this.pool.query(markSql, [ids]).catch(() => {});
  }
}

const marks = new WeakMap<Pool, PublishedMarks>();
/** The pool's one PublishedMarks: every unit of work on a pool carries the marks of the others. */
export function publishedMarksOf(pool: Pool, lingerMs = 1000): PublishedMarks {
  let m = marks.get(pool);
  if (!m) marks.set(pool, (m = new PublishedMarks(pool, lingerMs)));
  return m;
}

/**
 * Publishes a unit of work's events after its commit. `markNow`: the UPDATE is sent before returning (a
 * Lambda container is frozen once it answers, so nothing may be left waiting); otherwise the ids wait
 * in the pool's PublishedMarks for the next unit of work.
 */
export async function publishEvents(pool: Pool, js: JetStreamClient, prefix: string, events: Envelope[], markNow = false): Promise<void> {
  await publish(
    js,
    events.map((e) => ({ id: e.id, subject: subjectFor(prefix, e.type), payload: e })),
  );
  const ids = events.map((e) => e.id);
  if (markNow) await pool.query(markSql, [ids]);
  else publishedMarksOf(pool).add(ids);
}

// The sweeper's step: rows a crash (or an unreachable NATS) left unpublished for longer than `olderThanMs`.
export async function republishStale(pool: Pool, js: JetStreamClient, olderThanMs: number, limit = 500): Promise<number> {
  const { rows } = await pool.query<OutboxRow>(
    `select id, subject, payload from platform.outbox
     where published_at is null and created_at < now() - make_interval(secs => $1::double precision / 1000)
     order by created_at limit $2`,
    [olderThanMs, limit],
  );
  if (rows.length === 0) return 0;
  await publish(js, rows);
  await pool.query(markSql, [rows.map((r) => r.id)]);
  return rows.length;
}
