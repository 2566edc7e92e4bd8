import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventData, EventType } from '../shared/events/registry.js';
import { sampleEvent } from '../tests/support/events.js';
import { AppError } from '../shared/errors.js';
import { OlapStore } from './store.js';

// OlapStore.snapshot, which the Parquet export reads every table through: batches applied while it runs
// change nothing it reads (the tables agree with each other and with its watermark), and it is one at a
// time, never beside a rebuild.

const dir = mkdtempSync(join(tmpdir(), 'erpbi-olap-snapshot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const now = new Date();
const ev = <K extends EventType>(type: K, data: Partial<EventData<K>>) => sampleEvent(type, data, now);
const line = { sku: 'A', name: 'Apple', quantity: 2, unitPrice: 500, taxRateBp: 2000, net: 1000, tax: 200 };
const created = (orderId: string) =>
  ev('order_created', {
    orderId,
    customerId: 'c1',
    customerName: 'Ada',
    paymentTermsDays: 0,
    currency: 'EUR',
    subtotal: 1000,
    tax: 200,
    total: 1200,
    lines: [line],
    createdAt: now.toISOString(),
  });
const count = async (reader: Parameters<Parameters<OlapStore['snapshot']>[0]>[0], sql: string) => Number((await reader.runAndReadAll(sql)).getRows()[0]![0]);

describe('OlapStore.snapshot', () => {
  it('reads every table as of one watermark while batches go on being applied', async () => {
    const store = new OlapStore(join(dir, 'a.duckdb'));
    await store.apply([1, 2].map((seq) => ({ seq, event: created(`o${seq}`) })));
    let applied: Promise<unknown> | undefined;
    const seen = await store.snapshot(async (reader, asOf) => {
      const before = await count(reader, 'select count(*) from orders');
      // A batch lands on the writer's connection meanwhile, and commits.
      applied = store.apply([3, 4, 5].map((seq) => ({ seq, event: created(`o${seq}`) })));
      await applied;
      return {
        asOf,
        before,
        after: await count(reader, 'select count(*) from orders'),
        rollup: await count(reader, 'select sum(orders) from rollup_orders_hourly'),
        mark: await count(reader, 'select seq from watermark'),
      };
    });
    expect(seen).toEqual({ asOf: { seq: 2, eventTime: now.toISOString() }, before: 2, after: 2, rollup: 2, mark: 2 });
    expect((await store.watermark()).seq).toBe(5);
    // The snapshot ended: the next one sees the batch.
    expect(await store.snapshot((reader) => count(reader, 'select count(*) from orders'))).toBe(5);
    await store.close();
  });

  it('is one at a time and refuses a rebuild while it runs (409s naming why)', async () => {
    const store = new OlapStore(join(dir, 'b.duckdb'));
    await store.apply([{ seq: 1, event: created('o1') }]);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = store.snapshot(() => held);
    expect(store.snapshotting).toBe(true);
    await expect(store.snapshot(async () => 1)).rejects.toThrow(new AppError('invalid_transition', 'an export is running already'));
    await expect(store.rebuild(async () => undefined)).rejects.toThrow(/an export is running/);
    release();
    await first;
    expect(store.snapshotting).toBe(false);
    await store.close();
  });
});
