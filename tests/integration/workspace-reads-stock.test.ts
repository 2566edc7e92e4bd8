import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { seed } from '../support/fixtures.js';
import { tag, q, expectError, readsOn } from './workspace-reads-support.js';

// The workspace's reads of stock, stock movements and products (issue 10), against real Postgres
// and JetStream: low stock, searches, movements paged newest first, reorder levels.

let h: Harness;
beforeAll(async () => {
  h = await createHarness('readsstock');
});
afterAll(async () => h?.close());

const { read, product, customer, order } = readsOn(() => h);

describe('workspace reads: stock, movements, products', () => {
  it('flags low stock against the reorder level and searches sku prefix or name', async () => {
    const t = tag().toUpperCase();
    const sku = `LOW-${t}`;
    // Another product in stock, so the list unfiltered has more than the one searched for (in one file
    // with the orders' reads it had theirs).
    await seed(h, { stock: 1 });
    await product({ sku, name: `Widget 50%_off ${t}`, reorderLevel: 5 });
    await h.post('receive-stock', { sku, quantity: 10 }, { role: 'clerk' });
    const customerId = await customer(`Stocky ${t}`);
    const row = async () => (await read(`/stock?q=${q(sku.toLowerCase())}`)).items;
    expect(await row()).toEqual([
      {
        sku,
        name: `Widget 50%_off ${t}`,
        onHand: 10,
        reserved: 0,
        available: 10,
        reorderLevel: 5,
        low: false,
        // Received without a cost: stock at cost is worth nothing, nothing is on order (tests/integration/stock-valuation.test.ts values it).
        value: 0,
        averageCost: 0,
        currency: 'EUR',
        onOrder: 0,
        reorderQuantity: 0,
        preferredSupplierId: null,
      },
    ]);

    await order(customerId, [{ sku, quantity: 5 }]);
    await h.settle();
    expect(await row()).toEqual([expect.objectContaining({ available: 5, reserved: 5, low: true })]); // at the level is low

    expect((await read(`/stock?q=${q(`50%_OFF ${t}`)}`)).items.map((i: { sku: string }) => i.sku)).toEqual([sku]);
    expect((await read(`/stock?q=${q(`50__off ${t}`)}`)).items).toEqual([]);
    expect((await read(`/stock?q=${q(`OW-${t}`)}`)).items).toEqual([]); // sku: prefix only
    expect((await read('/stock')).items.length).toBeGreaterThan(1);
    expectError(await h.get('query', '/stock?limit=201', { role: 'clerk' }), 400, 'validation_failed');
  });

  it('pages a sku movements newest first with a cursor, each once; 404 for an unknown sku', async () => {
    const { sku, customerId } = await seed(h, { stock: 10 });
    await h.post('receive-stock', { sku, quantity: 4, note: 'second delivery' }, { role: 'clerk' });
    const id = await order(customerId, [{ sku, quantity: 3 }]);
    await h.settle();
    expect((await h.post('fulfil-order', { id }, { role: 'clerk' })).status).toBe(200);
    await h.settle();

    const seen: any[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const body: any = await read(`/stock/${sku}/movements?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items);
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(seen.map((m) => [m.kind, m.onHandDelta, m.reservedDelta, m.orderId, m.note])).toEqual([
      ['shipment', -3, -3, id, null],
      ['reservation', 0, 3, id, null],
      ['receipt', 4, 0, null, 'second delivery'],
      ['receipt', 10, 0, null, null],
    ]);
    const movementIds = seen.map((m) => m.id as number);
    expect([...movementIds].sort((a, b) => b - a)).toEqual(movementIds);
    expect(new Set(movementIds).size).toBe(4);
    for (const m of seen) expect(m.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect((await read(`/stock/${sku}/movements`)).items).toHaveLength(4);

    expectError(await h.get('query', '/stock/NO-SUCH-SKU/movements', { role: 'clerk' }), 404, 'not_found');
    expectError(await h.get('query', `/stock/${sku}/movements?cursor=bm90LWEtY3Vyc29y`, { role: 'clerk' }), 400, 'validation_failed');
    expectError(
      await h.get('query', `/stock/${sku}/movements?cursor=${Buffer.from('[-1]').toString('base64url')}`, { role: 'clerk' }),
      400,
      'validation_failed',
    );
    expectError(await h.get('query', `/stock/${sku}/movements?limit=201`, { role: 'clerk' }), 400, 'validation_failed');
  });

  it('keeps reorderLevel on an update without it; products list and record carry it', async () => {
    const sku = `RL-${tag().toUpperCase()}`;
    const created = await product({ sku, name: 'Reorder me' });
    expect(created).toMatchObject({ sku, reorderLevel: 0, created: true });
    expect(await product({ sku, name: 'Reorder me', reorderLevel: 7 })).toMatchObject({ reorderLevel: 7, created: false });
    const kept = await product({ sku, name: 'Reorder me, renamed', unitPrice: 1100 });
    expect(kept).toMatchObject({ reorderLevel: 7, unitPrice: 1100, created: false });
    expect(await read(`/products/${sku}`)).toEqual({
      sku,
      name: 'Reorder me, renamed',
      unitPrice: 1100,
      currency: 'EUR',
      taxRateBp: 2000,
      reorderLevel: 7,
      vatExemptionReason: null,
      preferredSupplierId: null,
      supplierSku: null,
      reorderQuantity: 0,
    });
    expect((await read(`/products?q=${q(sku.toLowerCase())}`)).items).toEqual([expect.objectContaining({ sku, reorderLevel: 7 })]);
    expect((await read(`/products?q=${q('RENAMED')}`)).items.map((p: { sku: string }) => p.sku)).toEqual([sku]);
    expect(await product({ sku, name: 'Reorder me', reorderLevel: 0 })).toMatchObject({ reorderLevel: 0 });

    const { rows } = await h.db.pool.query<{ data: { reorderLevel: number } }>(
      `select payload->'data' as data from platform.outbox where payload->>'type' = 'product_upserted' and payload->>'aggregateId' = $1 order by created_at, id`,
      [sku],
    );
    expect(rows.map((r) => r.data.reorderLevel)).toEqual([0, 7, 7, 0]);

    for (const reorderLevel of [-1, 1_000_001, 1.5, '3', null]) {
      expectError(await h.post('upsert-product', { sku, name: 'X', unitPrice: 1, currency: 'EUR', reorderLevel }, { role: 'admin' }), 400, 'validation_failed');
    }
    expectError(await h.get('query', '/products/NO-SUCH-SKU', { role: 'clerk' }), 404, 'not_found');
    expectError(await h.get('query', '/products/bad%20sku', { role: 'clerk' }), 400, 'validation_failed');
  });
});
