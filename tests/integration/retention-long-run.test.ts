import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneOnce } from '../../triggers/pruner.js';
import { publishedMarksOf } from '../../shared/events/outbox.js';
import { readConfig } from '../../shared/config.js';
import { retentionFor } from '../../triggers/retention.js';
import { readStack } from '../../shared/stack.js';
import { createHarness, type Harness } from '../support/harness.js';
import { counts, seed } from '../support/fixtures.js';

// Weeks of simulated traffic (every row's timestamps moved back by a round's length, no sleeps) with a
// prune tick per round at the default windows: the platform tables stay bounded by what the windows
// hold, never by how many rounds ran, while every retry inside the idempotency window is still a replay
// and every redelivery inside the processed-events window is still a duplicate.
const ROUNDS = 24;
const STEP_HOURS = 12;
const ORDERS_PER_ROUND = 2;

let h: Harness;
beforeAll(async () => {
  h = await createHarness('longrun');
});
afterAll(async () => h?.close());

// The pruner's settings as the connector reads them (shared/config.ts), from `env`.
const pruneSettings = (env: Record<string, string> = {}) =>
  readConfig(['PROCESSED_EVENTS_KEEP_HOURS', 'PUBLISHED_OUTBOX_KEEP_HOURS', 'PRUNE_EVERY_SECONDS', 'PRUNE_BATCH_ROWS'], { env });

describe('retention over a long run', () => {
  it('keeps the tables bounded while retries and redeliveries inside their windows still change nothing', { timeout: 300_000 }, async () => {
    const fns = readStack(join(import.meta.dirname, '..', '..', 'stack.yml'), h.bus.prefix);
    const retention = retentionFor(
      pruneSettings({}),
      fns.filter((f) => f.topics.length > 0),
    );
    const idemRounds = 24 / STEP_HOURS; // the functions' default 24 h
    const keptRounds = retention.processedEventsMs / 3600_000 / STEP_HOURS;
    expect(retention.publishedOutboxMs).toBe(retention.processedEventsMs); // one bound below serves both
    // The reactions settle() delivers to (the harness leaves render-document out): the same ones redeliver here.
    const subscribers = (subject: string) => fns.filter((f) => f.name !== 'render-document' && f.topics.includes(subject)).map((f) => f.name);

    const commands: { key: string; body: unknown; id: string; round: number }[] = [];
    const deliveries: { fn: string; event: unknown; round: number }[] = [];
    const seen = new Set<string>();
    const sizes: { idempotency: number; processed: number; outbox: number }[] = [];
    // The marks of the rows published so far are sent first (shared/events/outbox.ts holds them up to a second
    // for the next unit of work): the round's rows are marked in the round, before the clock moves them back.
    const size = async () => {
      await publishedMarksOf(h.db.pool).flush();
      const { rows } = await h.db.pool
        .query(`select (select count(*) from platform.idempotency)::int as idempotency, (select count(*) from platform.processed_events)::int as processed,
                                     (select count(*) from platform.outbox where published_at is not null)::int as outbox`);
      return rows[0] as { idempotency: number; processed: number; outbox: number };
    };
    /** Each outbox row not seen before, once per reaction that settle() delivered it to. */
    const recordDeliveries = async (round: number) => {
      const { rows } = await h.db.pool.query<{ id: string; subject: string; payload: unknown }>('select id, subject, payload from platform.outbox');
      for (const r of rows.filter((r) => !seen.has(r.id))) {
        seen.add(r.id);
        for (const fn of subscribers(r.subject)) deliveries.push({ fn, event: r.payload, round });
      }
    };

    // Round 0: the product and the customer, and their events.
    const { customerId, sku } = await seed(h, { stock: ROUNDS * ORDERS_PER_ROUND + 10 });
    await h.settle();
    await recordDeliveries(0);
    // The most rows one round adds to each table (round 0 included): the windows hold that many per round they span.
    let maxNew = await size();
    // An event never sent, older than every window: the sweeper's to publish, never the pruner's to drop.
    await h.db.pool.query(
      `insert into platform.outbox (id, subject, payload, created_at) values (gen_random_uuid(), 'unsent.nobody', '{}', now() - interval '60 days')`,
    );

    for (let round = 1; round <= ROUNDS; round++) {
      // Time passes: every row a round older. Then the pruner's tick.
      await h.db.pool.query(
        `update platform.idempotency set created_at = created_at - make_interval(hours => $1), expires_at = expires_at - make_interval(hours => $1)`,
        [STEP_HOURS],
      );
      await h.db.pool.query(`update platform.processed_events set processed_at = processed_at - make_interval(hours => $1)`, [STEP_HOURS]);
      await h.db.pool.query(
        `update platform.outbox set created_at = created_at - make_interval(hours => $1), published_at = published_at - make_interval(hours => $1)`,
        [STEP_HOURS],
      );
      const pruned = await pruneOnce(h.db.pool, retention);
      for (const n of Object.values(pruned)) expect(n).not.toBeInstanceOf(Error);

      // Bounded by the windows, whatever the round: at most the rows of the rounds a window holds.
      const now = await size();
      sizes.push(now);
      expect(now.idempotency).toBeLessThanOrEqual(maxNew.idempotency * idemRounds);
      expect(now.processed).toBeLessThanOrEqual(maxNew.processed * keptRounds);
      expect(now.outbox).toBeLessThanOrEqual(maxNew.outbox * keptRounds);

      // This round's traffic: keyed orders, their reactions.
      const before = now;
      for (let i = 0; i < ORDERS_PER_ROUND; i++) {
        const key = `r${round}-${i}`;
        const body = { customerId, lines: [{ sku, quantity: 1 }] };
        const res = await h.post('create-order', body, { role: 'clerk', headers: { 'idempotency-key': key } });
        expect(res.status).toBe(201);
        commands.push({ key, body, id: res.body.id, round });
      }
      await h.settle();
      await recordDeliveries(round);
      const after = await size();
      maxNew = {
        idempotency: Math.max(maxNew.idempotency, after.idempotency - before.idempotency),
        processed: Math.max(maxNew.processed, after.processed - before.processed),
        outbox: Math.max(maxNew.outbox, after.outbox - before.outbox),
      };

      // Retries inside the idempotency window (stored this round or the last: 0 or 12 h ago): replays.
      // Redeliveries inside the processed-events window (under 7 days old): duplicates. Nothing changes.
      const effects = await counts(h);
      for (const c of commands.filter((c) => (round - c.round) * STEP_HOURS < 24)) {
        const retry = await h.post('create-order', c.body, { role: 'clerk', headers: { 'idempotency-key': c.key } });
        expect(retry.headers['idempotent-replayed'], `retry of ${c.key} in round ${round}`).toBe('true');
        expect(retry.body.id).toBe(c.id);
      }
      for (const d of deliveries.filter((d) => (round - d.round) * STEP_HOURS * 3600_000 < retention.processedEventsMs)) {
        const res = await h.deliver(d.fn, d.event);
        expect(res.status).toBe(200);
        expect(res.body.outcome, `${d.fn} redelivered in round ${round}, first delivered in round ${d.round}`).toBe('duplicate');
      }
      expect(await counts(h)).toEqual(effects);
    }

    // The run was long enough for pruning to matter: far more rows were written than are left.
    const last = sizes.at(-1)!;
    expect(commands.length).toBeGreaterThan(2 * last.idempotency);
    expect(deliveries.length).toBeGreaterThan(last.processed + maxNew.processed * 5);
    expect(seen.size).toBeGreaterThan(last.outbox + maxNew.outbox * 5);
    // Flat, not growing: the second half of the run holds no more than its first full window did.
    const full = sizes.slice(keptRounds + 1);
    expect(Math.max(...full.map((s) => s.processed))).toBeLessThanOrEqual(maxNew.processed * keptRounds);
    expect((await h.db.pool.query(`select count(*)::int as n from platform.outbox where subject = 'unsent.nobody' and published_at is null`)).rows[0].n).toBe(
      1,
    );
  });
});
