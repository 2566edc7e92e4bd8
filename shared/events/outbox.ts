import type { JetStreamClient } from '@nats-io/jetstream';
import type { Pool, Tx } from '../db/pool.js';
import { subjectFor } from './registry.js';
import type { Envelope } from './envelope.js';

// Written in the caller's transaction: the events exist if and only if the state change does.
// One statement for all of them: a round trip costs more than the row (bench/ profile).
export async function addToOutbox(tx: Tx, prefix: string, events: Envelope[]): Promise<void> {
  if (events.length === 0) return;
  await tx.query(
    `insert into platform.outbox (id, subject, payload)
     select id, subject, payload::jsonb from unnest($1::uuid[], $2::text[], $3::text[]) as e(id, subject, payload)`,
    [events.map((e) => e.id), events.map((e) => subjectFor(prefix, e.type)), events.map((e) => JSON.stringify(e))],
  );
}

interface OutboxRow {
  id: string;
  subject: string;
  payload: Envelope;
}

// Publishes after commit and waits for the PubAck; the event id is the Nats-Msg-Id, so a second
// publish of the same row (sweeper racing a slow function) is dropped by the server.
export async function publishRows(pool: Pool, js: JetStreamClient, rows: OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  await Promise.all(rows.map((r) => js.publish(r.subject, JSON.stringify(r.payload), { msgID: r.id })));
  await markerFor(pool).mark(rows.map((r) => r.id));
}

/**
 * Marks rows published, in groups: while one UPDATE is in flight, the units of work that finish
 * meanwhile wait for the next one, so a busy function sends one statement (and one commit) for many
 * of them, and an idle one sends its UPDATE at once, as before. Each caller still returns only after
 * its own rows are marked.
 */
class PublishedMarker {
  private waiting: { ids: string[]; done: () => void; fail: (err: unknown) => void }[] = [];
  private busy = false;

  constructor(private readonly pool: Pool) {}

  mark(ids: string[]): Promise<void> {
    return new Promise((done, fail) => {
      this.waiting.push({ ids, done, fail });
      if (!this.busy) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.busy = true;
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0);
      try {
        await this.pool.query('update platform.outbox set published_at = now() where id = any($1::uuid[])', [group.flatMap((g) => g.ids)]);
        for (const g of group) g.done();
      } catch (err) {
        for (const g of group) g.fail(err);
      }
    }
    this.busy = false;
  }
}

const markers = new WeakMap<Pool, PublishedMarker>();
function markerFor(pool: Pool): PublishedMarker {
  let m = markers.get(pool);
  if (!m) markers.set(pool, (m = new PublishedMarker(pool)));
  return m;
}

export async function publishEvents(pool: Pool, js: JetStreamClient, prefix: string, events: Envelope[]): Promise<void> {
  await publishRows(
    pool,
    js,
    events.map((e) => ({ id: e.id, subject: subjectFor(prefix, e.type), payload: e })),
  );
}

// The sweeper's step: rows a crash (or an unreachable NATS) left unpublished for longer than `olderThanMs`.
export async function republishStale(pool: Pool, js: JetStreamClient, olderThanMs: number, limit = 500): Promise<number> {
  const { rows } = await pool.query<OutboxRow>(
    `select id, subject, payload from platform.outbox
     where published_at is null and created_at < now() - make_interval(secs => $1::double precision / 1000)
     order by created_at limit $2`,
    [olderThanMs, limit],
  );
  await publishRows(pool, js, rows);
  return rows.length;
}
