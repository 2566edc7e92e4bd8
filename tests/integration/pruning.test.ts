import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedDeleteSql } from '../../shared/db/bounded-delete.js';
import { createConnectorMetrics } from '../../triggers/metrics.js';
import { pruneOnce, startPruner } from '../../triggers/pruner.js';
import type { Retention } from '../../triggers/retention.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { waitFor } from '../support/wait.js';

// The pruner against real Postgres, rows placed in time by SQL: each table loses exactly the rows past
// its window, at most one batch per tick, and an unpublished outbox row never, however old.
const day = 24 * 3600_000;
const retention: Retention = { processedEventsMs: 7 * day, publishedOutboxMs: 7 * day, everyMs: 50, batchRows: 10 };

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('prune');
});
afterAll(async () => db?.drop());

const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;
const count = async (table: string) => (await q(`select count(*)::int as n from ${table}`))[0].n as number;

/** n rows of each kind, `label` in the subject / consumer / scope to find them again. */
async function place(
  label: string,
  n: number,
  at: { outboxPublishedAgo?: string | null; outboxCreatedAgo: string; processedAgo: string; idempotencyExpiresIn: string },
) {
  await q(
    `insert into platform.outbox (id, subject, payload, created_at, published_at)
     select gen_random_uuid(), $1, '{}'::jsonb, now() - $2::interval, case when $3::interval is null then null else now() - $3::interval end from generate_series(1, $4)`,
    [label, at.outboxCreatedAgo, at.outboxPublishedAgo ?? null, n],
  );
  await q(
    `insert into platform.processed_events (consumer, event_id, processed_at) select $1, gen_random_uuid(), now() - $2::interval from generate_series(1, $3)`,
    [label, at.processedAgo, n],
  );
  await q(
    `insert into platform.idempotency (scope, key, request_hash, status, response, created_at, expires_at)
     select $1, 'k' || g, 'h', 201, '{}'::jsonb, now() + $2::interval - interval '24 hours', now() + $2::interval from generate_series(1, $3) g`,
    [label, at.idempotencyExpiresIn, n],
  );
}
const left = async (label: string) => ({
  outbox: (await q('select count(*)::int as n from platform.outbox where subject = $1', [label]))[0].n,
  processed: (await q('select count(*)::int as n from platform.processed_events where consumer = $1', [label]))[0].n,
  idempotency: (await q('select count(*)::int as n from platform.idempotency where scope = $1', [label]))[0].n,
});

describe('pruning', () => {
  it('deletes only rows past their window, never an unpublished outbox row, at most one batch per table per tick', async () => {
    await place('old', 25, { outboxCreatedAgo: '8 days 1 hour', outboxPublishedAgo: '8 days', processedAgo: '8 days', idempotencyExpiresIn: '-1 second' });
    await place('young', 4, {
      outboxCreatedAgo: '6 days 23 hours',
      outboxPublishedAgo: '6 days 23 hours',
      processedAgo: '6 days 23 hours',
      idempotencyExpiresIn: '1 minute',
    });
    // Never sent (a NATS outage for a month): the sweeper's to publish, not the pruner's to drop.
    await place('unsent', 3, { outboxCreatedAgo: '30 days', outboxPublishedAgo: null, processedAgo: '0 seconds', idempotencyExpiresIn: '1 hour' });
    // Stored a day and a half ago by a function configured for a 48 h window: its own expiry rules, not its age.
    await place('long-window', 2, {
      outboxCreatedAgo: '0 seconds',
      outboxPublishedAgo: '0 seconds',
      processedAgo: '0 seconds',
      idempotencyExpiresIn: '12 hours',
    });
    await q(`update platform.idempotency set created_at = now() - interval '36 hours' where scope = 'long-window'`);

    // 25 rows past their window per table, 10 a tick: 10, 10, 5, then nothing.
    const ticks = [];
    for (let i = 0; i < 4; i++) ticks.push(await pruneOnce(db.pool, retention));
    expect(ticks).toEqual([10, 10, 5, 0].map((n) => ({ idempotency: n, processed_events: n, outbox: n })));
    expect(await left('old')).toEqual({ outbox: 0, processed: 0, idempotency: 0 });
    expect(await left('young')).toEqual({ outbox: 4, processed: 4, idempotency: 4 });
    expect(await left('unsent')).toEqual({ outbox: 3, processed: 3, idempotency: 3 });
    expect(await left('long-window')).toEqual({ outbox: 2, processed: 2, idempotency: 2 });
  });

  it('a shorter window deletes what it is past, and unpublished rows still stay', async () => {
    const short: Retention = { ...retention, processedEventsMs: 6 * day, publishedOutboxMs: 6 * day, batchRows: 1000 };
    expect(await pruneOnce(db.pool, short)).toEqual({ idempotency: 0, processed_events: 4, outbox: 4 });
    expect(await left('unsent')).toMatchObject({ outbox: 3 });
    expect(await count('platform.outbox where published_at is null')).toBe(3);
  });

  it('runs on its schedule and counts what it deleted (erpbi_pruned_rows_total)', async () => {
    await place('scheduled', 3, { outboxCreatedAgo: '9 days', outboxPublishedAgo: '9 days', processedAgo: '9 days', idempotencyExpiresIn: '-1 hour' });
    const metrics = createConnectorMetrics();
    const stop = startPruner(db.pool, pino({ level: 'silent' }), metrics, retention);
    try {
      await waitFor(async () => JSON.stringify(await left('scheduled')) === JSON.stringify({ outbox: 0, processed: 0, idempotency: 0 }), {
        what: 'the scheduled prune',
      });
    } finally {
      stop();
    }
    const pruned = (await metrics.pruned.get()).values.map((v) => [v.labels.table, v.value]);
    expect(Object.fromEntries(pruned)).toEqual({ idempotency: 3, processed_events: 3, outbox: 3 });
    expect((await metrics.pruneFailures.get()).values.every((v) => v.value === 0)).toBe(true);
  });

  it('a bounded DELETE reads only the rows it picked (a TID scan), not the whole backlog past the window', async () => {
    // A backlog of 5,000 rows past the window, for the planner to see.
    await place('backlog', 5000, { outboxCreatedAgo: '20 days', outboxPublishedAgo: '20 days', processedAgo: '20 days', idempotencyExpiresIn: '-1 day' });
    await q('analyze platform.outbox');
    const sql = boundedDeleteSql('platform.outbox', 'published_at < now() - make_interval(secs => $1::double precision / 1000)', 1);
    const plan = (await q(`explain ${sql}`, [7 * day, 10])).map((r) => r['QUERY PLAN'] as string).join('\n');
    expect(plan).toMatch(/Tid Scan on outbox/);
    expect(plan).toMatch(/Limit/);
  });
});
