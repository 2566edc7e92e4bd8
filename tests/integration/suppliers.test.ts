import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventRegistry } from '../../shared/events/registry.js';
import { reorderSuggestions } from '../../shared/inventory/reorder.js';
import { createHarness, type Harness, type Reply } from '../support/harness.js';
import { waitFor } from '../support/wait.js';

// Issue 20, suppliers and reordering, against the real Postgres and JetStream: suppliers as master data
// (checked whole, their currency kept while purchase orders or products depend on it), products' buying
// fields, and the reorder suggestions computed from stock, levels and what is on order.

let h: Harness;
beforeAll(async () => {
  h = await createHarness('suppliers');
});
afterAll(async () => h?.close());

const hamburg = { lines: ['Kaiserkai 1'], postalCode: '20457', city: 'Hamburg', country: 'de' };
const bohnen = {
  id: 'bohnen',
  name: 'Bohnen Import AG',
  address: hamburg,
  vatId: 'DE 136 695 976',
  paymentTermsDays: 14,
  currency: 'EUR',
  email: 'orders@bohnen.example',
};
const supplier = (body: object, role: 'admin' | 'clerk' | 'accountant' | 'bi-reader' = 'clerk') => h.call('upsert-product', '/supplier', { role, body });
const product = (body: object) => h.post('upsert-product', { name: 'Product', unitPrice: 1000, currency: 'EUR', ...body }, { role: 'admin' });
const count = async (table: string) => (await h.db.pool.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n;
const paths = (res: Reply) => (res.body.error.details as { path: string }[]).map((d) => d.path);
let poNumber = 900_000;
/** A purchase order row as the purchase-order commands would leave it (they are another part's). */
async function purchaseOrder(supplierId: string, status: string, lines: { sku: string; quantity: number; received?: number }[]) {
  poNumber += 1;
  const id = `po-${poNumber}`;
  await h.db.pool.query(
    `insert into inventory.purchase_orders (id, number, supplier_id, status, currency, created_by) select $1, $2, id, $3, currency, 'test' from inventory.suppliers where id = $4`,
    [id, `PO-${poNumber}`, status, supplierId],
  );
  for (const [i, l] of lines.entries()) {
    await h.db.pool.query(
      'insert into inventory.purchase_order_lines (purchase_order_id, line_no, sku, quantity, unit_cost, received) values ($1, $2, $3, $4, 100, $5)',
      [id, i + 1, l.sku, l.quantity, l.received ?? 0],
    );
  }
  return id;
}

describe('suppliers', () => {
  it('creates and replaces a supplier (clerk), normalised, readable, and announced on the bus', async () => {
    const created = await supplier(bohnen);
    expect(created.status).toBe(200);
    const stored = {
      supplierId: 'bohnen',
      name: 'Bohnen Import AG',
      address: { ...hamburg, country: 'DE' },
      vatId: 'DE136695976',
      paymentTermsDays: 14,
      currency: 'EUR',
      email: 'orders@bohnen.example',
    };
    expect(created.body).toEqual({ ...stored, created: true });

    const read = await h.get('query', '/suppliers/bohnen', { role: 'accountant' });
    expect(read.status).toBe(200);
    const { supplierId: _id, ...fields } = stored;
    expect(read.body).toEqual({ id: 'bohnen', ...fields, createdAt: expect.stringMatching(/Z$/), updatedAt: expect.stringMatching(/Z$/) });

    // Replaced whole: what the body leaves out is cleared, as for customers.
    const updated = await supplier({ id: 'bohnen', name: 'Bohnen Import GmbH', currency: 'EUR' });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({
      supplierId: 'bohnen',
      name: 'Bohnen Import GmbH',
      address: null,
      vatId: null,
      paymentTermsDays: 30,
      currency: 'EUR',
      email: null,
      created: false,
    });
    const again = await h.get('query', '/suppliers/bohnen', { role: 'clerk' });
    expect(again.body).toMatchObject({ name: 'Bohnen Import GmbH', address: null, createdAt: read.body.createdAt });
    expect(again.body.updatedAt > read.body.updatedAt).toBe(true);
    await supplier(bohnen);

    // Published after commit: the stream holds the last version, as the registry defines it.
    const jsm = await jetstreamManager(h.bus.bus.nc);
    const msg = await waitFor(
      async () => {
        const m = await jsm.streams.getMessage(h.bus.stream, { last_by_subj: `${h.bus.prefix}.inventory.supplier_upserted` });
        return m?.json<{ type: string; aggregateId: string; data: unknown }>();
      },
      { what: 'supplier_upserted on the stream' },
    );
    expect(msg).toMatchObject({ type: 'supplier_upserted', aggregateId: 'bohnen' });
    expect(eventRegistry.supplier_upserted.data.strict().parse(msg.data)).toEqual(stored);
  });

  it('gives a new supplier an id, lists and searches suppliers by name, paged, and exports them as CSV', async () => {
    const made = await supplier({ name: 'Zündholz & Söhne', currency: 'EUR' }, 'admin');
    expect(made.status).toBe(200);
    expect(made.body.supplierId).toMatch(/^[0-9a-f-]{36}$/);
    await supplier({ id: 'acme-us', name: 'Acme Supply Inc', currency: 'USD', paymentTermsDays: 45 });

    const first = await h.get('query', '/suppliers?limit=2', { role: 'clerk' });
    expect(first.status).toBe(200);
    expect(first.body.items.map((s: { name: string }) => s.name)).toEqual(['Acme Supply Inc', 'Bohnen Import AG']);
    const rest = await h.get('query', `/suppliers?limit=2&cursor=${first.body.nextCursor}`, { role: 'clerk' });
    expect(rest.body).toMatchObject({ items: [{ id: made.body.supplierId, name: 'Zündholz & Söhne' }], nextCursor: null });

    expect((await h.get('query', '/suppliers?q=S%C3%B6hne', { role: 'clerk' })).body.items.map((s: { id: string }) => s.id)).toEqual([made.body.supplierId]);
    expect((await h.get('query', '/suppliers?q=acme-', { role: 'clerk' })).body.items.map((s: { id: string }) => s.id)).toEqual(['acme-us']);
    expect((await h.get('query', '/suppliers?q=%25', { role: 'clerk' })).body.items).toEqual([]);
    expect((await h.get('query', '/suppliers/nobody', { role: 'clerk' })).status).toBe(404);
    expect((await h.get('query', '/suppliers?sort=name', { role: 'clerk' })).status).toBe(400);

    const csv = await h.get('query', '/suppliers', { role: 'clerk', headers: { accept: 'text/csv' } });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const [header, ...rows] = String(csv.body).trim().split('\r\n');
    expect(header).toBe('id,name,address,vatId,paymentTermsDays,currency,email,createdAt,updatedAt');
    expect(rows).toHaveLength(3);
  });

  it('refuses a bad VAT id, country or currency with a 400 naming the field, and writes nothing', async () => {
    const suppliers = await count('inventory.suppliers');
    const outbox = await count('platform.outbox');
    const cases: [object, string][] = [
      [{ vatId: 'DE136695977' }, 'vatId'],
      [{ address: { ...hamburg, country: 'XX' } }, 'address.country'],
      [{ address: { ...hamburg, city: undefined } }, 'address.city'],
      [{ currency: 'euro' }, 'currency'],
      [{ paymentTermsDays: 400 }, 'paymentTermsDays'],
    ];
    for (const [extra, path] of cases) {
      const res = await supplier({ ...bohnen, id: 'half', ...extra });
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(paths(res), path).toContain(path);
    }
    // Nor is an existing supplier half-changed.
    expect((await supplier({ ...bohnen, name: 'Renamed', vatId: 'FR40303265046' })).status).toBe(400);
    expect(await count('inventory.suppliers')).toBe(suppliers);
    expect(await count('platform.outbox')).toBe(outbox);
    expect((await h.get('query', '/suppliers/bohnen', { role: 'clerk' })).body.name).toBe('Bohnen Import AG');
  });

  it('lets admin and clerk write suppliers, every ERP role read them, and no one else', async () => {
    const before = await count('inventory.suppliers');
    for (const role of ['accountant', 'bi-reader'] as const) {
      const res = await supplier({ id: `by-${role}`, name: 'Not Allowed', currency: 'EUR' }, role);
      expect(res.status, role).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await h.call('upsert-product', '/supplier', { token: null, body: bohnen })).status).toBe(401);
    expect(await count('inventory.suppliers')).toBe(before);
    for (const path of ['/suppliers', '/suppliers/bohnen', '/reorder-suggestions']) {
      expect((await h.get('query', path, { role: 'bi-reader' })).status, path).toBe(403);
      expect((await h.get('query', path, { role: 'accountant' })).status, path).toBe(200);
    }
  });

  it("keeps a supplier's currency while a purchase order of it is open, and lets it change once none is", async () => {
    await supplier({ id: 'switcher', name: 'Switcher Ltd', currency: 'GBP' });
    await product({ sku: 'SW-1', currency: 'GBP' });
    const po = await purchaseOrder('switcher', 'draft', [{ sku: 'SW-1', quantity: 5 }]);
    const outbox = await count('platform.outbox');
    for (const status of ['draft', 'sent', 'partially_received']) {
      await h.db.pool.query('update inventory.purchase_orders set status = $2 where id = $1', [po, status]);
      const refused = await supplier({ id: 'switcher', name: 'Switcher Ltd', currency: 'EUR' });
      expect(refused.status, status).toBe(422);
      expect(refused.body.error).toMatchObject({
        code: 'currency_mismatch',
        details: { path: 'currency', currency: 'GBP', purchaseOrders: [`PO-${poNumber}`] },
      });
    }
    expect(await count('platform.outbox')).toBe(outbox);
    // Another change while it is open is fine: only the currency is held.
    expect((await supplier({ id: 'switcher', name: 'Switcher Limited', currency: 'GBP' })).status).toBe(200);

    await h.db.pool.query(`update inventory.purchase_orders set status = 'received' where id = $1`, [po]);
    const changed = await supplier({ id: 'switcher', name: 'Switcher Limited', currency: 'EUR' });
    expect(changed.status).toBe(200);
    expect((await h.get('query', '/suppliers/switcher', { role: 'clerk' })).body.currency).toBe('EUR');
  });
});

describe("products' buying fields", () => {
  it('takes a preferred supplier, its sku and a reorder quantity; an update without them keeps them, null clears', async () => {
    const made = await product({ sku: 'BEAN-1', reorderLevel: 10, preferredSupplierId: 'bohnen', supplierSku: 'BI-7781', reorderQuantity: 24 });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({
      sku: 'BEAN-1',
      reorderLevel: 10,
      preferredSupplierId: 'bohnen',
      supplierSku: 'BI-7781',
      reorderQuantity: 24,
      created: true,
    });
    const read = await h.get('query', '/products/BEAN-1', { role: 'clerk' });
    expect(read.body).toMatchObject({ preferredSupplierId: 'bohnen', supplierSku: 'BI-7781', reorderQuantity: 24, reorderLevel: 10 });
    const list = await h.get('query', '/products?q=BEAN-1', { role: 'clerk' });
    expect(list.body.items[0]).toMatchObject({ preferredSupplierId: 'bohnen', supplierSku: 'BI-7781', reorderQuantity: 24 });

    const event = await h.db.pool.query<{ payload: { data: unknown } }>(
      `select payload from platform.outbox where payload->>'type' = 'product_upserted' and payload->'data'->>'sku' = 'BEAN-1'`,
    );
    expect(eventRegistry.product_upserted.data.strict().parse(event.rows[0]!.payload.data)).toMatchObject({
      preferredSupplierId: 'bohnen',
      supplierSku: 'BI-7781',
      reorderQuantity: 24,
    });

    // A price change keeps the buying fields.
    const kept = await product({ sku: 'BEAN-1', unitPrice: 1100 });
    expect(kept.body).toMatchObject({
      unitPrice: 1100,
      reorderLevel: 10,
      preferredSupplierId: 'bohnen',
      supplierSku: 'BI-7781',
      reorderQuantity: 24,
      created: false,
    });
    const cleared = await product({ sku: 'BEAN-1', unitPrice: 1100, preferredSupplierId: null, supplierSku: null, reorderQuantity: 0 });
    expect(cleared.body).toMatchObject({ preferredSupplierId: null, supplierSku: null, reorderQuantity: 0 });
    expect((await h.get('query', '/products/BEAN-1', { role: 'clerk' })).body).toMatchObject({
      preferredSupplierId: null,
      supplierSku: null,
      reorderQuantity: 0,
    });
    const last = await h.db.pool.query<{ data: Record<string, unknown> }>(
      `select payload->'data' as data from platform.outbox where payload->>'type' = 'product_upserted' and payload->'data'->>'sku' = 'BEAN-1' order by created_at desc, id desc limit 1`,
    );
    expect(last.rows[0]!.data).not.toHaveProperty('preferredSupplierId');
    expect(last.rows[0]!.data).toMatchObject({ reorderQuantity: 0 });
    await product({ sku: 'BEAN-1', unitPrice: 1100, preferredSupplierId: 'bohnen', supplierSku: 'BI-7781', reorderQuantity: 24 });
  });

  it('refuses an unknown supplier or one billing in another currency, naming preferredSupplierId, and writes nothing', async () => {
    const products = await count('inventory.products');
    const outbox = await count('platform.outbox');
    const unknown = await product({ sku: 'NEW-1', preferredSupplierId: 'nobody' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_supplier', details: { path: 'preferredSupplierId', supplierId: 'nobody' } });
    const foreign = await product({ sku: 'NEW-1', preferredSupplierId: 'acme-us' });
    expect(foreign.status).toBe(422);
    expect(foreign.body.error).toMatchObject({ code: 'currency_mismatch', details: { path: 'preferredSupplierId', supplierCurrency: 'USD', currency: 'EUR' } });
    // Repricing a product into another currency than its kept supplier's is the same contradiction.
    const repriced = await product({ sku: 'BEAN-1', currency: 'USD' });
    expect(repriced.body.error).toMatchObject({ code: 'currency_mismatch', details: { path: 'preferredSupplierId' } });
    const badSku = await product({ sku: 'NEW-1', supplierSku: '', reorderQuantity: -1 });
    expect(badSku.status).toBe(400);
    expect(paths(badSku).sort()).toEqual(['reorderQuantity', 'supplierSku']);
    expect(await count('inventory.products')).toBe(products);
    expect(await count('platform.outbox')).toBe(outbox);
    expect((await h.get('query', '/products/BEAN-1', { role: 'clerk' })).body.currency).toBe('EUR');
  });

  it("refuses a supplier's new currency while products priced in the old one prefer it", async () => {
    const res = await supplier({ ...bohnen, currency: 'CHF' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'currency_mismatch', details: { path: 'currency', skus: ['BEAN-1'] } });
  });

  it("a supplier's currency change racing products that pick it never leaves a product preferring a supplier in another currency", async () => {
    for (let round = 0; round < 6; round += 1) {
      const id = `race-${round}`;
      await supplier({ id, name: 'Race Ltd', currency: 'EUR' });
      const results = await Promise.all([
        supplier({ id, name: 'Race Ltd', currency: 'USD' }),
        ...['A', 'B', 'C'].map((x) => product({ sku: `RACE-${round}-${x}`, preferredSupplierId: id })),
      ]);
      for (const r of results) if (r.status !== 200) expect(r.body.error.code).toBe('currency_mismatch');
      expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
      const crossed = await h.db.pool.query(
        'select p.sku from inventory.products p join inventory.suppliers s on s.id = p.preferred_supplier_id where p.currency <> s.currency',
      );
      expect(crossed.rows).toEqual([]);
    }
  });

  it('a product is written by admin alone, buying fields and all', async () => {
    expect(
      (await h.post('upsert-product', { sku: 'CLERK-1', name: 'x', unitPrice: 1, currency: 'EUR', preferredSupplierId: 'bohnen' }, { role: 'clerk' })).status,
    ).toBe(403);
  });
});

describe('reorder suggestions', () => {
  it('lists products at or under their level (available + on order), grouped by preferred supplier, with quantity and expected cost', async () => {
    await supplier({ id: 'kaffee', name: 'Kaffee Kontor', currency: 'EUR' });
    // BEAN-1 (bohnen, level 10, reorder qty 24): 6 on hand at 450 each, bought once at 450 -> 24.
    await h.post('receive-stock', { sku: 'BEAN-1', quantity: 6, unitCost: 450 }, { role: 'clerk' });
    // BEAN-2 (bohnen, level 20, qty 5): nothing on hand, 12 on a draft order -> 20 - 12 + 1 = 9, no cost known.
    await product({ sku: 'BEAN-2', reorderLevel: 20, reorderQuantity: 5, preferredSupplierId: 'bohnen', supplierSku: 'BI-2' });
    await purchaseOrder('bohnen', 'draft', [{ sku: 'BEAN-2', quantity: 12 }]);
    // BEAN-3 (bohnen, level 5): 3 on hand, 10 ordered of which 4 received on a partly received order, 6 open -> 9 > 5: not due.
    await product({ sku: 'BEAN-3', reorderLevel: 5, preferredSupplierId: 'bohnen' });
    await h.post('receive-stock', { sku: 'BEAN-3', quantity: 3, unitCost: 200 }, { role: 'clerk' });
    await purchaseOrder('bohnen', 'partially_received', [{ sku: 'BEAN-3', quantity: 10, received: 4 }]);
    // BEAN-4 (bohnen, level 5): a cancelled order counts for nothing -> 5 - 0 + 1 = 6.
    await product({ sku: 'BEAN-4', reorderLevel: 5, preferredSupplierId: 'bohnen' });
    await purchaseOrder('bohnen', 'cancelled', [{ sku: 'BEAN-4', quantity: 50 }]);
    // CUP-1 (kaffee, level 2): exactly at the level -> 1.
    await product({ sku: 'CUP-1', reorderLevel: 2, preferredSupplierId: 'kaffee' });
    await h.post('receive-stock', { sku: 'CUP-1', quantity: 2, unitCost: 90 }, { role: 'clerk' });
    // LOOSE-1 (no supplier, level 1): nothing -> 2. NOLEVEL: no level, never listed.
    await product({ sku: 'LOOSE-1', reorderLevel: 1 });
    await product({ sku: 'NOLEVEL', preferredSupplierId: 'bohnen' });

    const res = await h.get('query', '/reorder-suggestions', { role: 'clerk' });
    expect(res.status).toBe(200);
    const line = (sku: string, name: string, over: object) => ({
      sku,
      name,
      supplierSku: null,
      available: 0,
      onOrder: 0,
      reorderQuantity: 0,
      unitCost: null,
      ...over,
    });
    expect(res.body).toEqual({
      groups: [
        {
          supplierId: 'bohnen',
          supplierName: 'Bohnen Import AG',
          currency: 'EUR',
          lines: [
            line('BEAN-1', 'Product', { supplierSku: 'BI-7781', available: 6, reorderLevel: 10, reorderQuantity: 24, suggested: 24, unitCost: 450 }),
            line('BEAN-2', 'Product', { supplierSku: 'BI-2', onOrder: 12, reorderLevel: 20, reorderQuantity: 5, suggested: 9 }),
            line('BEAN-4', 'Product', { reorderLevel: 5, suggested: 6 }),
          ],
        },
        {
          supplierId: 'kaffee',
          supplierName: 'Kaffee Kontor',
          currency: 'EUR',
          lines: [line('CUP-1', 'Product', { available: 2, reorderLevel: 2, suggested: 1, unitCost: 90 })],
        },
        { supplierId: null, supplierName: null, currency: null, lines: [line('LOOSE-1', 'Product', { reorderLevel: 1, suggested: 2 })] },
      ],
    });

    // One supplier's, as receive-stock/reorder reads it inside its transaction.
    const one = await h.get('query', '/reorder-suggestions?supplierId=kaffee', { role: 'clerk' });
    expect(one.body.groups.map((g: { supplierId: string }) => g.supplierId)).toEqual(['kaffee']);
    expect((await h.get('query', '/reorder-suggestions?supplierId=nobody', { role: 'clerk' })).body).toEqual({ groups: [] });
    const client = await h.db.pool.connect();
    try {
      await client.query('begin');
      expect(await reorderSuggestions(client, null)).toEqual([res.body.groups[2]]);
      expect(await reorderSuggestions(client, 'bohnen')).toEqual([res.body.groups[0]]);
      await client.query('rollback');
    } finally {
      client.release();
    }
    expect((await h.get('query', '/reorder-suggestions?level=1', { role: 'clerk' })).status).toBe(400);
  });
});
