import { jetstreamManager } from '@nats-io/jetstream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../shared/db/pool.js';
import { publishedMarksOf } from '../../shared/events/outbox.js';
import { runUnitOfWork, type Deps } from '../../shared/unit-of-work.js';
import { sampleData } from '../support/events.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { createTestBus, type TestBus } from '../support/nats.js';
import { waitFor } from '../support/wait.js';

// A published row is marked by the next unit of work of its pool, in that unit's transaction, or by one
// UPDATE of its own once the linger runs out (shared/events/outbox.ts, PublishedMarks): never left
// unmarked, never a commit of its own while units keep coming; events still on the stream at once.
let db: TestDatabase;
let tb: TestBus;
let pool: Pool;
beforeAll(async () => {
  [db, tb] = await Promise.all([createTestDatabase('marks'), createTestBus('marks')]);
  pool = createPool(db.url, 2);
});
afterAll(async () => {
  await pool?.end();
  await tb?.cleanup();
  await db?.drop();
});

const deps = (extra: Partial<Deps> = {}): Deps => ({ db: pool, js: tb.bus.js, prefix: tb.prefix, log: pino({ level: 'silent' }), ...extra });
const cause = { correlationId: 'c', causationId: null, actor: 'test' };
const unit = (d: Deps, sku: string) => runUnitOfWork(d, cause, async (uow) => uow.emit('stock_changed', { ...sampleData.stock_changed, sku }).id);

async function unmarked(ids: string[]): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>('select id from platform.outbox where id = any($1::uuid[]) and published_at is null', [ids]);
  return rows.map((r) => r.id);
}
async function streamMessages() {
  return (await (await jetstreamManager(tb.bus.nc)).streams.info(tb.stream)).state.messages;
}

describe('marks of published outbox rows', () => {
  it('are carried by the next unit of work, and the last one is marked after the linger', async () => {
    const before = await streamMessages();
    const first = await unit(deps(), 'A');
    expect(await streamMessages()).toBe(before + 1); // published (PubAck awaited) before the unit returned
    const second = await unit(deps(), 'B');
    expect(await unmarked([first])).toEqual([]); // marked in the second unit's transaction
    expect(await streamMessages()).toBe(before + 2);
    await waitFor(async () => (await unmarked([second])).length === 0, { timeoutMs: 5000, what: 'the linger to mark the last row' });
  });

  it('go back to wait when the carrying unit rolls back, and are marked all the same', async () => {
    const first = await unit(deps(), 'C');
    const failing = runUnitOfWork(deps(), cause, async (uow) => {
      uow.emit('stock_changed', { ...sampleData.stock_changed, sku: 'D' });
      await uow.tx.query('select 1/0');
    });
    await expect(failing).rejects.toThrow();
    await waitFor(async () => (await unmarked([first])).length === 0, { timeoutMs: 5000, what: 'the rolled-back unit’s carried mark' });
  });

  it('ride on a unit that emits nothing, and are flushed when the function closes', async () => {
    const first = await unit(deps(), 'E');
    await runUnitOfWork(deps(), cause, async () => undefined);
    expect(await unmarked([first])).toEqual([]);
    const last = await unit(deps(), 'F');
    await publishedMarksOf(pool).flush(); // a closing function's step (shared/http/assemble.ts)
    expect(await unmarked([last])).toEqual([]);
  });

  it('skip a row another transaction is marking (the sweeper), so the two never wait on each other', async () => {
    const first = await unit(deps(), 'H');
    const sweeper = await pool.connect();
    try {
      await sweeper.query('begin');
      await sweeper.query('select id from platform.outbox where id = $1 for update', [first]);
      // Carries `first` but does not wait for its lock: a wait here, with the holder waiting on this unit's rows, would be a deadlock.
      await unit(deps(), 'I');
      await sweeper.query('update platform.outbox set published_at = now() where id = $1', [first]);
      await sweeper.query('commit');
    } finally {
      sweeper.release();
    }
    expect(await unmarked([first])).toEqual([]);
  });

  it('are sent before the unit returns where nothing may wait (a Lambda container)', async () => {
    const id = await unit(deps({ markPublishedAtOnce: true }), 'G');
    expect(await unmarked([id])).toEqual([]);
  });
});
