import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../shared/db/pool.js';
import { sampleEvent } from '../support/events.js';
import { addToOutbox, republishStale } from '../../shared/events/outbox.js';
import { withTransaction } from '../../shared/db/pool.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { createTestBus, type TestBus } from '../support/nats.js';

// A crash between commit and publish leaves outbox rows unpublished: the sweeper sends them, and a
// second send of the same row is dropped by JetStream (Nats-Msg-Id = event id), so nothing is lost
// and nothing is counted twice.
let db: TestDatabase;
let tb: TestBus;
beforeAll(async () => {
  [db, tb] = await Promise.all([createTestDatabase('sweep'), createTestBus('sweep')]);
});
afterAll(async () => {
  await tb?.cleanup();
  await db?.drop();
});

async function streamMessages() {
  const jsm = await jetstreamManager(tb.bus.nc);
  return (await jsm.streams.info(tb.stream)).state.messages;
}

describe('outbox sweeper', () => {
  it('publishes rows a crash left behind, once, and marks them published', async () => {
    const events = Array.from({ length: 3 }, (_, i) => sampleEvent('stock_changed', { sku: `S${i}` }));
    // Committed, never published: as if the function died right after commit.
    await withTransaction(db.pool, (tx) => addToOutbox(tx, tb.prefix, events));
    const before = await streamMessages();

    expect(await republishStale(db.pool, tb.bus.js, 60_000)).toBe(0); // too fresh: its function may still publish it
    expect(await republishStale(db.pool, tb.bus.js, 0)).toBe(3);
    expect(await streamMessages()).toBe(before + 3);
    const left = await db.pool.query('select count(*)::int as n from platform.outbox where published_at is null');
    expect(left.rows[0].n).toBe(0);

    // The function comes back and publishes the same rows late: the server drops the duplicates.
    await db.pool.query('update platform.outbox set published_at = null');
    expect(await republishStale(db.pool, tb.bus.js, 0)).toBe(3);
    expect(await streamMessages()).toBe(before + 3);
  });

  it('leaves rows unpublished while NATS cannot be reached, and does not lose them', async () => {
    const events = [sampleEvent('stock_changed', { sku: 'X' })];
    await withTransaction(db.pool, (tx) => addToOutbox(tx, tb.prefix, events));
    const broken = { publish: () => Promise.reject(new Error('no responders')) } as unknown as typeof tb.bus.js;
    await expect(republishStale(db.pool, broken, 0)).rejects.toThrow();
    const pool = createPool(db.url, 1);
    const left = await pool.query('select count(*)::int as n from platform.outbox where published_at is null');
    await pool.end();
    expect(left.rows[0].n).toBe(1);
    expect(await republishStale(db.pool, tb.bus.js, 0)).toBe(1);
  });
});
