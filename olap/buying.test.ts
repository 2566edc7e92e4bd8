import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../shared/events/envelope.js';
import type { EventData, EventType } from '../shared/events/registry.js';
import { sampleEvent } from '../tests/support/events.js';
import { buyingReference } from '../tests/support/buying-reference.js';
import * as buying from './buying-queries.js';
import { foldBatch, type SeqEvent } from './fold.js';
import { OlapStore } from './store.js';

// Margin, inventory value, purchase spend and stock on order in a real DuckDB file, from events with
// the edges: a month boundary between an invoice and its shipment, a return restocked and credited, a
// full credit, two currencies, a cancelled purchase order, a receipt with no order, a supplier renamed,
// an event from before 016 (no value), and a redelivered event.

const dir = mkdtempSync(join(tmpdir(), 'erpbi-olap-buying-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const now = new Date('2026-03-10T12:00:00.000Z');
const ev = <K extends EventType>(type: K, data: Partial<EventData<K>>, at: string): Envelope => sampleEvent(type, data, new Date(at));
const moved = (
  sku: string,
  movementId: number,
  reason: EventData<'stock_changed'>['reason'],
  onHand: number,
  value: number,
  valueDelta: number,
  at: string,
  currency = sku === 'U' ? 'USD' : 'EUR',
) =>
  ev(
    'stock_changed',
    { sku, name: sku === 'U' ? 'Umbrella' : 'Apple', onHand, reserved: 0, available: onHand, reason, orderId: null, movementId, value, valueDelta, currency },
    at,
  );
const lineA = { sku: 'A', name: 'Apple', quantity: 3, unitPrice: 500, taxRateBp: 2000, net: 1500, tax: 300 };
const lineU = { sku: 'U', name: 'Umbrella', quantity: 2, unitPrice: 999, taxRateBp: 700, net: 1998, tax: 140 };
const poLine = (lineNo: number, sku: string, quantity: number, unitCost: number) => ({
  lineNo,
  sku,
  name: sku === 'U' ? 'Umbrella' : 'Apple',
  supplierSku: null,
  quantity,
  unitCost,
});
const received = (
  receiptId: string,
  purchaseOrderId: string | null,
  supplierId: string | null,
  currency: string,
  lines: { lineNo: number | null; sku: string; quantity: number; unitCost: number }[],
  at: string,
) =>
  ev(
    'goods_received',
    {
      receiptId,
      purchaseOrderId,
      supplierId,
      currency,
      lines: lines.map((l) => ({ ...l, value: l.quantity * l.unitCost })),
      purchaseOrderStatus: null,
      receivedAt: at,
    },
    at,
  );

const events: Envelope[] = [
  ev('supplier_upserted', { supplierId: 's1', name: 'Bohnen AG', currency: 'EUR' }, '2026-02-01T08:00:00.000Z'),
  ev('supplier_upserted', { supplierId: 's2', name: 'Rain Inc', currency: 'USD' }, '2026-02-01T08:00:00.000Z'),
  ev('product_upserted', { sku: 'A', name: 'Apple', currency: 'EUR' }, '2026-02-01T08:00:00.000Z'),
  ev('product_upserted', { sku: 'U', name: 'Umbrella', currency: 'USD' }, '2026-02-01T08:00:00.000Z'),
  // An event of a version without value (before 016): no value, no cost, folds harmlessly.
  ev(
    'stock_changed',
    { sku: 'OLD', name: 'Old', onHand: 5, reserved: 0, available: 5, reason: 'receipt', orderId: null, movementId: 1 },
    '2026-02-02T08:00:00.000Z',
  ),
  moved('A', 2, 'receipt', 10, 1000, 1000, '2026-02-20T10:00:00.000Z'),
  ev(
    'purchase_order_created',
    {
      purchaseOrderId: 'po1',
      number: 'PO-000001',
      supplierId: 's1',
      supplierName: 'Bohnen AG',
      currency: 'EUR',
      total: 2000,
      lines: [poLine(1, 'A', 20, 100)],
      createdAt: '2026-02-25T09:00:00.000Z',
    },
    '2026-02-25T09:00:00.000Z',
  ),
  received('gr1', 'po1', 's1', 'EUR', [{ lineNo: 1, sku: 'A', quantity: 5, unitCost: 100 }], '2026-02-28T23:59:59.000Z'),
  moved('A', 3, 'receipt', 15, 1500, 500, '2026-02-28T23:59:59.000Z'),
  ev(
    'invoice_created',
    { invoiceId: 'i1', orderId: 'o1', issueDate: '2026-02-27', currency: 'EUR', subtotal: 1500, tax: 300, total: 1800, lines: [lineA] },
    '2026-02-27T10:00:00.000Z',
  ),
  // Across the month boundary: revenue in February, its cost in March.
  moved('A', 4, 'shipment', 12, 1200, -300, '2026-03-01T00:00:01.000Z'),
  received('gr2', 'po1', 's1', 'EUR', [{ lineNo: 1, sku: 'A', quantity: 5, unitCost: 100 }], '2026-03-01T00:00:02.000Z'),
  moved('A', 5, 'receipt', 17, 1700, 500, '2026-03-01T00:00:02.000Z'),
  // One apple comes back, restocked at the cost it left with, and is credited.
  ev(
    'goods_returned',
    { returnId: 'rt1', orderId: 'o1', lines: [{ lineNo: 1, sku: 'A', name: 'Apple', quantity: 1, reason: 'damaged', disposition: 'restock' }] },
    '2026-03-03T10:00:00.000Z',
  ),
  moved('A', 6, 'return', 18, 1800, 100, '2026-03-03T10:00:00.000Z'),
  ev(
    'credit_note_issued',
    { creditNoteId: 'cn1', invoiceId: 'i1', orderId: 'o1', currency: 'EUR', amount: 600, credited: 600, returnId: 'rt1', invoiceStatus: 'open' },
    '2026-03-04T10:00:00.000Z',
  ),
  // A second purchase order, partly received, then cancelled: nothing of it stays on order.
  ev(
    'purchase_order_created',
    {
      purchaseOrderId: 'po2',
      number: 'PO-000002',
      supplierId: 's1',
      supplierName: 'Bohnen AG',
      currency: 'EUR',
      total: 770,
      lines: [poLine(1, 'A', 7, 110)],
      createdAt: '2026-03-04T09:00:00.000Z',
    },
    '2026-03-04T09:00:00.000Z',
  ),
  received('gr3', 'po2', 's1', 'EUR', [{ lineNo: 1, sku: 'A', quantity: 2, unitCost: 110 }], '2026-03-05T09:00:00.000Z'),
  moved('A', 7, 'receipt', 20, 2020, 220, '2026-03-05T09:00:00.000Z'),
  ev(
    'purchase_order_cancelled',
    { purchaseOrderId: 'po2', number: 'PO-000002', supplierId: 's1', previousStatus: 'partially_received', cancelledAt: '2026-03-06T09:00:00.000Z' },
    '2026-03-06T09:00:00.000Z',
  ),
  // Dollars: an order open with another supplier, goods in without an order, an invoice credited in full.
  ev(
    'purchase_order_created',
    {
      purchaseOrderId: 'po3',
      number: 'PO-000003',
      supplierId: 's2',
      supplierName: 'Rain Inc',
      currency: 'USD',
      total: 1000,
      lines: [poLine(1, 'U', 4, 250)],
      createdAt: '2026-03-06T09:00:00.000Z',
    },
    '2026-03-06T09:00:00.000Z',
  ),
  received('gr4', null, null, 'USD', [{ lineNo: null, sku: 'U', quantity: 3, unitCost: 200 }], '2026-03-07T09:00:00.000Z'),
  moved('U', 8, 'receipt', 3, 600, 600, '2026-03-07T09:00:00.000Z'),
  ev(
    'invoice_created',
    { invoiceId: 'i2', orderId: 'o2', issueDate: '2026-03-08', currency: 'USD', subtotal: 1998, tax: 140, total: 2138, lines: [lineU] },
    '2026-03-08T10:00:00.000Z',
  ),
  ev(
    'credit_note_issued',
    { creditNoteId: 'cn2', invoiceId: 'i2', orderId: 'o2', currency: 'USD', amount: 2138, credited: 2138, returnId: null, invoiceStatus: 'credited' },
    '2026-03-09T10:00:00.000Z',
  ),
  ev('supplier_upserted', { supplierId: 's1', name: 'Bohnen Import AG', currency: 'EUR' }, '2026-03-09T11:00:00.000Z'),
];
const seqd: SeqEvent[] = events.map((event, n) => ({ seq: n + 1, event }));
const params = { months: 12, days: 15 };

async function figures(store: OlapStore) {
  const rows = async (n: ReturnType<typeof buying.grossMargin>) => (await store.query(n)).rows;
  return {
    gross_margin: await rows(buying.grossMargin(params.months, now)),
    inventory_value: await rows(buying.inventoryValue(params.days, now)),
    purchase_spend: await rows(buying.purchaseSpend(params.months, now)),
    stock_on_order: await rows(buying.stockOnOrder),
  };
}

describe('buying and margin in DuckDB', () => {
  it('computes margin, inventory value, spend and stock on order as the docs state them', async () => {
    const store = new OlapStore(join(dir, 'one.duckdb'));
    // A republished event (same data, a new sequence) inside the batch changes nothing.
    await store.apply([...seqd, { seq: seqd.length + 1, event: events[5]! }]);
    const got = await figures(store);
    expect(got.gross_margin).toEqual([
      { month: '2026-02', sku: 'A', name: 'Apple', currency: 'EUR', revenue: 1500, cogs: 0, margin: 1500, marginPercent: 100 },
      // The return's credit (1 x 500) in March, and the shipment's cost less the restocked unit.
      { month: '2026-03', sku: 'A', name: 'Apple', currency: 'EUR', revenue: -500, cogs: 200, margin: -700, marginPercent: 140 },
      { month: '2026-03', sku: 'U', name: 'Umbrella', currency: 'USD', revenue: 0, cogs: 0, margin: 0, marginPercent: null },
    ]);
    const value = new Map((got.inventory_value as { day: string; currency: string; value: number }[]).map((r) => [`${r.day} ${r.currency}`, r.value]));
    expect(value.get('2026-02-23 EUR')).toBeUndefined(); // before the window (15 days up to 10 March)
    expect(value.get('2026-02-24 EUR')).toBe(1000);
    expect(value.get('2026-02-28 EUR')).toBe(1500);
    expect(value.get('2026-03-01 EUR')).toBe(1700);
    expect(value.get('2026-03-06 EUR')).toBe(2020);
    expect(value.get('2026-03-06 USD')).toBeUndefined();
    expect(value.get('2026-03-10 USD')).toBe(600);
    expect(value.get('2026-03-10 EUR')).toBe(2020);
    expect(got.purchase_spend).toEqual([
      { month: '2026-02', supplierId: 's1', supplierName: 'Bohnen Import AG', currency: 'EUR', receipts: 1, quantity: 5, value: 500 },
      { month: '2026-03', supplierId: 's1', supplierName: 'Bohnen Import AG', currency: 'EUR', receipts: 2, quantity: 7, value: 720 },
      { month: '2026-03', supplierId: null, supplierName: 'without purchase order', currency: 'USD', receipts: 1, quantity: 3, value: 600 },
    ]);
    expect(got.stock_on_order).toEqual([
      { sku: 'A', name: 'Apple', supplierId: 's1', supplierName: 'Bohnen Import AG', currency: 'EUR', ordered: 20, received: 10, onOrder: 10, value: 1000 },
      { sku: 'U', name: 'Umbrella', supplierId: 's2', supplierName: 'Rain Inc', currency: 'USD', ordered: 4, received: 0, onOrder: 4, value: 1000 },
    ]);
    expect(got).toEqual(buyingReference(seqd, now, params));
    // Replayed: the same rows.
    await store.apply(seqd);
    expect(await figures(store)).toEqual(got);
    await store.close();
  });

  it('gives the same figures whatever order the events arrive in, in any batches', async () => {
    // Money does not depend on the order; names are the latest by stream sequence, as for the stock table.
    const money = (f: Awaited<ReturnType<typeof figures>>) => JSON.stringify(f, (k, v) => (k === 'name' || k === 'supplierName' ? undefined : v));
    const expected = money(buyingReference(seqd, now, params));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
        fc.integer({ min: 1, max: events.length }),
        async (shuffled, size) => {
          const store = new OlapStore(join(dir, `shuffled-${(n += 1)}.duckdb`));
          const all = shuffled.map((event, i) => ({ seq: i + 1, event }));
          for (let i = 0; i < all.length; i += size) await store.apply(all.slice(i, i + size));
          const got = await figures(store);
          expect(got).toEqual(buyingReference(all, now, params));
          expect(money(got)).toEqual(expected);
          await store.close();
        },
      ),
      { numRuns: 8 },
    );
  });

  it('folds the facts of each event once per key, and nothing from events that carry none', () => {
    const c = foldBatch(seqd, 0);
    const rows = <R>(t: Map<string, R>) => [...t.values()];
    expect(rows(c.movements).map((m) => m.movementId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rows(c.movements)[0]).toMatchObject({ sku: 'OLD', value: null, valueDelta: null, currency: null });
    expect(c.purchaseOrders.get('po2')).toMatchObject({ supplierId: 's1', currency: 'EUR', cancelledAt: '2026-03-06T09:00:00.000Z' });
    expect(c.suppliers.get('s1')).toMatchObject({ name: 'Bohnen Import AG' });
    expect(rows(c.receiptLines).map((l) => [l.receiptId, l.position, l.lineNo])).toEqual([
      ['gr1', 1, 1],
      ['gr2', 1, 1],
      ['gr3', 1, 1],
      ['gr4', 1, null],
    ]);
    expect(rows(c.creditNotes).map((x) => [x.creditNoteId, x.returnId])).toEqual([
      ['cn1', 'rt1'],
      ['cn2', null],
    ]);
    expect(c.invoiceLines.size).toBe(2);
    expect(rows(c.returnLines)).toEqual([{ returnId: 'rt1', lineNo: 1, sku: 'A', quantity: 1 }]);
    // A cancellation before its creation (another batch order) still marks the order.
    const reversed = foldBatch(
      [...seqd].reverse().map((e, i) => ({ ...e, seq: i + 1 })),
      0,
    );
    expect(reversed.purchaseOrders.get('po2')).toEqual(c.purchaseOrders.get('po2'));
    expect(foldBatch([{ seq: 1, event: sampleEvent('purchase_order_sent') }], 0)).toMatchObject({ used: 0, ignored: 1 });
  });

  it('splits a line credited in three returns exactly as billing does', async () => {
    const store = new OlapStore(join(dir, 'parts.duckdb'));
    // 3 x 333 = 999 but net 1000 (a line whose net is not price x quantity): the last part takes the rest.
    const line = { sku: 'P', name: 'Pen', quantity: 3, unitPrice: 333, taxRateBp: 0, net: 1000, tax: 0 };
    const parts: Envelope[] = [
      ev(
        'invoice_created',
        { invoiceId: 'ip', orderId: 'op', issueDate: '2026-03-01', currency: 'EUR', subtotal: 1000, tax: 0, total: 1000, lines: [line] },
        '2026-03-01T09:00:00.000Z',
      ),
    ];
    for (const k of [1, 2, 3]) {
      parts.push(
        ev(
          'goods_returned',
          { returnId: `r${k}`, orderId: 'op', lines: [{ lineNo: 1, sku: 'P', name: 'Pen', quantity: 1, reason: 'x', disposition: 'scrap' }] },
          `2026-03-0${k + 1}T09:00:00.000Z`,
        ),
      );
      parts.push(
        ev(
          'credit_note_issued',
          { creditNoteId: `c${k}`, invoiceId: 'ip', orderId: 'op', currency: 'EUR', returnId: `r${k}` },
          `2026-0${k + 2}-0${k + 1}T10:00:00.000Z`,
        ),
      );
    }
    const seqs = parts.map((event, i) => ({ seq: i + 1, event }));
    await store.apply(seqs);
    const rows = (await store.query(buying.grossMargin(12, new Date('2026-05-31T00:00:00.000Z')))).rows;
    expect(rows.map((r) => [r.month, r.revenue])).toEqual([
      ['2026-03', 1000 - 333],
      ['2026-04', -333],
      ['2026-05', -334],
    ]);
    expect(rows).toEqual(buyingReference(seqs, new Date('2026-05-31T00:00:00.000Z'), { months: 12, days: 1 }).gross_margin);
    await store.close();
  });
});
