import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayStream } from '../../olap/replay.js';
import type { Envelope } from '../../shared/events/envelope.js';
import { createHarness, type Harness } from '../support/harness.js';
import { clerk, purchaseHelpers } from './purchase-orders-support.js';
import { waitFor } from '../support/wait.js';

// Purchase orders against real Postgres and JetStream (docs/rules.md, "Purchase orders"): the lifecycle
// through the commands, goods received in parts entering stock at cost and the ledger (1300 vs 2050) in the
// receipt's transaction, bad input writing nothing, over-receipt refused also for receipts at the same
// moment, an idempotent retry booking once, and the events on the bus.

let h: Harness;
let eur: { supplierId: string; name: string };
let usd: { supplierId: string };
const { cmd, create, send, receive, cancel, q, stock, booked, written, supplier, product, sentOrder } = purchaseHelpers(
  () => h,
  () => eur.supplierId,
);
const skus = { beans: `BEANS-${randomUUID().slice(0, 6)}`, filters: `FILT-${randomUUID().slice(0, 6)}`, dollar: `USD-${randomUUID().slice(0, 6)}` };

beforeAll(async () => {
  h = await createHarness('po');
  const s = await supplier({ name: 'Bohnen Import AG', currency: 'EUR', paymentTermsDays: 30, email: 'orders@bohnen.example' });
  eur = { supplierId: s.supplierId, name: s.name };
  usd = { supplierId: (await supplier({ name: 'Beans Inc', currency: 'USD' })).supplierId };
  // The supplier's own sku is printed on the line when the supplier is the product's preferred one.
  await product(skus.beans, 'EUR', { preferredSupplierId: eur.supplierId, supplierSku: 'BI-7' });
  await product(skus.filters, 'EUR');
  await product(skus.dollar, 'USD');
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('a purchase order from draft to received, in two receipts', () => {
  let po: { id: string; number: string };

  it('is drafted in the supplier currency, numbered PO-<6 digits>, by the caller', async () => {
    const res = await create({
      supplierId: eur.supplierId,
      lines: [
        { sku: skus.beans, quantity: 10, unitCost: 450 },
        { sku: skus.filters, quantity: 3, unitCost: 1999 },
      ],
      note: 'for the winter',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    po = res.body;
    expect(res.body).toMatchObject({
      number: expect.stringMatching(/^PO-\d{6}$/),
      supplierId: eur.supplierId,
      supplierName: eur.name,
      status: 'draft',
      currency: 'EUR',
      note: 'for the winter',
      createdBy: 'test-clerk',
      sentAt: null,
      total: 10 * 450 + 3 * 1999,
      receipts: [],
      lines: [
        { lineNo: 1, sku: skus.beans, name: `Product ${skus.beans}`, supplierSku: 'BI-7', quantity: 10, unitCost: 450, received: 0 },
        { lineNo: 2, sku: skus.filters, supplierSku: null, quantity: 3, unitCost: 1999, received: 0 },
      ],
    });
    expect((await h.get('query', `/purchase-orders/${po.id}`, clerk)).body).toEqual(res.body);
    // A draft is on order already (the reorder rule counts it), nothing is in stock yet.
    expect(await stock(skus.beans)).toMatchObject({ on_hand: 0, value: 0, on_order: 10 });
  });

  it('takes no goods before it is sent; is sent once', async () => {
    const early = await receive({ purchaseOrderId: po.id, lines: [{ lineNo: 1, quantity: 1 }] });
    expect([early.status, early.body.error?.code, early.body.error?.message]).toEqual([
      409,
      'invalid_transition',
      'a draft purchase order cannot be received against (only sent, partially_received)',
    ]);
    const sent = await send(po.id);
    expect([sent.status, sent.body.status]).toEqual([200, 'sent']);
    expect(sent.body.sentAt).toMatch(/Z$/);
    const again = await send(po.id);
    expect([again.status, again.body.error?.code]).toEqual([409, 'invalid_transition']);
  });

  it('receives in parts: stock, value and the ledger (Inventory 1300 against GRNI 2050) after each receipt', async () => {
    const first = await receive({
      purchaseOrderId: po.id,
      lines: [
        { lineNo: 1, quantity: 4 },
        { lineNo: 2, quantity: 3 },
      ],
      note: 'truck 1',
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.lines).toEqual([
      { lineNo: 1, sku: skus.beans, quantity: 4, unitCost: 450, value: 1800 },
      { lineNo: 2, sku: skus.filters, quantity: 3, unitCost: 1999, value: 5997 },
    ]);
    expect(first.body.purchaseOrder).toMatchObject({ status: 'partially_received', lines: [{ received: 4 }, { received: 3 }] });
    expect(first.body.purchaseOrder.receipts).toEqual([
      { id: first.body.receiptId, receivedAt: expect.stringMatching(/Z$/), actor: 'test-clerk', note: 'truck 1', lines: first.body.lines },
    ]);
    expect(await stock(skus.beans)).toMatchObject({ on_hand: 4, value: 1800, on_order: 6, average_cost: 450 });
    expect(await stock(skus.filters)).toMatchObject({ on_hand: 3, value: 5997, on_order: 0 });
    expect(await booked('1300-inventory', po.id)).toBe(1800 + 5997);
    expect(await booked('2050-goods-received-not-invoiced', po.id)).toBe(-(1800 + 5997));
    expect(
      await q(
        'select sku, kind, reason, on_hand_delta::int as q, value_delta::int as v, receipt_id, actor from inventory.stock_movements where purchase_order_id = $1 order by sku',
        [po.id],
      ),
    ).toEqual(
      [
        { sku: skus.beans, kind: 'receipt', reason: 'purchase_order', q: 4, v: 1800, receipt_id: first.body.receiptId, actor: 'test-clerk' },
        { sku: skus.filters, kind: 'receipt', reason: 'purchase_order', q: 3, v: 5997, receipt_id: first.body.receiptId, actor: 'test-clerk' },
      ].sort((a, b) => (a.sku < b.sku ? -1 : 1)),
    );

    // Line 2 is in full: no more of it, and nothing of the receipt is taken.
    const before = await written();
    const over = await receive({
      purchaseOrderId: po.id,
      lines: [
        { lineNo: 1, quantity: 6 },
        { lineNo: 2, quantity: 1 },
      ],
    });
    expect([over.status, over.body.error?.code, over.body.error?.details]).toEqual([
      422,
      'over_receipt',
      { path: 'lines.1.quantity', lineNo: 2, sku: skus.filters, open: 0, quantity: 1 },
    ]);
    expect(await written()).toBe(before);

    const second = await receive({ purchaseOrderId: po.id, lines: [{ lineNo: 1, quantity: 6 }] });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.purchaseOrder).toMatchObject({ status: 'received', lines: [{ received: 10 }, { received: 3 }] });
    expect(second.body.purchaseOrder.receipts.map((r: { id: string }) => r.id)).toEqual([first.body.receiptId, second.body.receiptId]);
    expect(await stock(skus.beans)).toMatchObject({ on_hand: 10, value: 4500, on_order: 0 });
    expect(await booked('1300-inventory', po.id)).toBe(4500 + 5997);
    expect(await booked('2050-goods-received-not-invoiced', po.id)).toBe(-(4500 + 5997));

    for (const res of [await receive({ purchaseOrderId: po.id, lines: [{ lineNo: 1, quantity: 1 }] }), await cancel(po.id)]) {
      expect([res.status, res.body.error?.code]).toEqual([409, 'invalid_transition']);
    }
  });

  it('moves the average cost by what each receipt cost', async () => {
    const next = await sentOrder([{ sku: skus.beans, quantity: 10, unitCost: 551 }]);
    expect((await receive({ purchaseOrderId: next.id, lines: [{ lineNo: 1, quantity: 10 }] })).status).toBe(200);
    // 10 at 4.50 and 10 at 5.51: 100.10 for 20, 5.005 each, rounded half up.
    expect(await stock(skus.beans)).toMatchObject({ on_hand: 20, value: 10_010, average_cost: 501 });
  });
});

describe('cancelling', () => {
  it('a partially received order keeps what came in; the rest is no longer on order', async () => {
    const before = await stock(skus.filters);
    const po = await sentOrder([{ sku: skus.filters, quantity: 8, unitCost: 1500 }]);
    expect((await stock(skus.filters)).on_order).toBe(before.on_order + 8);
    expect((await receive({ purchaseOrderId: po.id, lines: [{ lineNo: 1, quantity: 5 }] })).status).toBe(200);
    const res = await cancel(po.id, 'supplier out of stock');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', cancelReason: 'supplier out of stock', lines: [{ quantity: 8, received: 5 }] });
    expect(await stock(skus.filters)).toMatchObject({ on_hand: before.on_hand + 5, value: before.value + 7500, on_order: before.on_order });
    expect(await booked('1300-inventory', po.id)).toBe(7500);
    for (const res2 of [await cancel(po.id), await receive({ purchaseOrderId: po.id, lines: [{ lineNo: 1, quantity: 1 }] }), await send(po.id)]) {
      expect([res2.status, res2.body.error?.code]).toEqual([409, 'invalid_transition']);
    }
  });

  it('a draft ends with nothing received', async () => {
    const created = await create({ supplierId: eur.supplierId, lines: [{ sku: skus.beans, quantity: 1, unitCost: 1 }] });
    const res = await cancel(created.body.id);
    expect([res.status, res.body.status, res.body.cancelReason]).toEqual([200, 'cancelled', null]);
  });
});

describe('bad input', () => {
  it('is a 4xx naming what is wrong, and writes nothing', async () => {
    const sent = await sentOrder([{ sku: skus.beans, quantity: 2, unitCost: 100 }]);
    const before = await written();
    const line = { sku: skus.beans, quantity: 1, unitCost: 100 };
    const cases: [Promise<Awaited<ReturnType<typeof create>>>, number, string, string?][] = [
      [create({ supplierId: 'no-such-supplier', lines: [line] }), 422, 'unknown_supplier', 'supplierId'],
      [create({ supplierId: eur.supplierId, lines: [line, { ...line, sku: 'NO-SUCH-SKU' }] }), 422, 'unknown_sku', 'lines.1.sku'],
      [create({ supplierId: eur.supplierId, lines: [line, { ...line, sku: skus.dollar }] }), 422, 'currency_mismatch', 'lines.1.sku'],
      [create({ supplierId: usd.supplierId, lines: [line] }), 422, 'currency_mismatch', 'lines.0.sku'],
      [create({ supplierId: eur.supplierId, lines: [line, { ...line, quantity: 3 }] }), 422, 'duplicate_line', 'lines.1.sku'],
      [create({ supplierId: eur.supplierId, lines: [{ ...line, quantity: 1_000_000, unitCost: 1_000_000_000_000 }] }), 422, 'amount_too_large'],
      [create({ supplierId: eur.supplierId, lines: [{ ...line, quantity: 0 }] }), 400, 'validation_failed'],
      [create({ supplierId: eur.supplierId, lines: [{ ...line, unitCost: -1 }] }), 400, 'validation_failed'],
      [create({ supplierId: eur.supplierId, lines: [] }), 400, 'validation_failed'],
      [send('no-such-po'), 422, 'unknown_purchase_order', 'purchaseOrderId'],
      [cancel('no-such-po'), 422, 'unknown_purchase_order', 'purchaseOrderId'],
      [receive({ purchaseOrderId: 'no-such-po', lines: [{ lineNo: 1, quantity: 1 }] }), 422, 'unknown_purchase_order', 'purchaseOrderId'],
      [receive({ purchaseOrderId: sent.id, lines: [{ lineNo: 2, quantity: 1 }] }), 422, 'unknown_line', 'lines.0.lineNo'],
      [
        receive({
          purchaseOrderId: sent.id,
          lines: [
            { lineNo: 1, quantity: 1 },
            { lineNo: 1, quantity: 1 },
          ],
        }),
        422,
        'duplicate_line',
        'lines.1.lineNo',
      ],
      [receive({ purchaseOrderId: sent.id, lines: [{ lineNo: 1, quantity: 3 }] }), 422, 'over_receipt', 'lines.0.quantity'],
      [receive({ purchaseOrderId: sent.id, lines: [{ lineNo: 1, quantity: 0 }] }), 400, 'validation_failed'],
    ];
    for (const [call, status, code, path] of cases) {
      const res = await call;
      expect([res.status, res.body.error?.code], JSON.stringify(res.body)).toEqual([status, code]);
      if (path) expect(res.body.error.details?.path).toBe(path);
    }
    expect(await written()).toBe(before);
    // An accountant buys nothing.
    expect((await h.call('receive-stock', '/purchase-order', { role: 'accountant', body: { supplierId: eur.supplierId, lines: [line] } })).status).toBe(403);
  });
});

describe('receipts at the same moment', () => {
  it('never receive more of a line than was ordered: one of two that together exceed it is refused', async () => {
    for (let round = 0; round < 6; round += 1) {
      const po = await sentOrder([{ sku: skus.filters, quantity: 5, unitCost: 700 }]);
      const before = await stock(skus.filters);
      const results = await Promise.all([3, 3].map((quantity) => receive({ purchaseOrderId: po.id, lines: [{ lineNo: 1, quantity }] })));
      expect(results.map((r) => r.status).sort(), JSON.stringify(results.map((r) => r.body))).toEqual([200, 422]);
      expect(results.find((r) => r.status === 422)!.body.error).toMatchObject({ code: 'over_receipt', details: { open: 2, quantity: 3 } });
      // Two that fit do both go in, and the order is complete.
      const fits = await Promise.all([1, 1].map((quantity) => receive({ purchaseOrderId: po.id, lines: [{ lineNo: 1, quantity }] })));
      expect(fits.map((r) => r.status)).toEqual([200, 200]);
      const read = (await h.get('query', `/purchase-orders/${po.id}`, clerk)).body;
      expect([read.status, read.lines[0].received, read.receipts.length]).toEqual(['received', 5, 3]);
      expect(await stock(skus.filters)).toMatchObject({ on_hand: before.on_hand + 5, value: before.value + 3500 });
      expect((await q<{ n: number }>('select sum(on_hand_delta)::int as n from inventory.stock_movements where purchase_order_id = $1', [po.id]))[0]!.n).toBe(
        5,
      );
    }
  }, 60_000);

  it('a retry with the same Idempotency-Key books once, also when both arrive at once', async () => {
    const po = await sentOrder([{ sku: skus.beans, quantity: 4, unitCost: 300 }]);
    const before = await stock(skus.beans);
    const body = { purchaseOrderId: po.id, lines: [{ lineNo: 1, quantity: 2 }] };
    const key = { 'idempotency-key': `receipt-${po.id}` };
    const [a, b] = await Promise.all([receive(body, key), receive(body, key)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.receiptId).toBe(a.body.receiptId);
    const later = await receive(body, key);
    expect([later.status, later.body.receiptId, later.headers['idempotent-replayed']]).toEqual([200, a.body.receiptId, 'true']);
    expect(await stock(skus.beans)).toMatchObject({ on_hand: before.on_hand + 2, value: before.value + 600 });
    expect(await q('select count(*)::int as n from inventory.goods_receipts where purchase_order_id = $1', [po.id])).toEqual([{ n: 1 }]);
    expect(await booked('1300-inventory', po.id)).toBe(600);
  });
});

describe('the reads', () => {
  it('list purchase orders newest first, by status and supplier, paged', async () => {
    const all = (await h.get('query', `/purchase-orders?supplierId=${eur.supplierId}&limit=200`, clerk)).body;
    expect(all.items.length).toBeGreaterThan(5);
    const created = all.items.map((i: { createdAt: string }) => i.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect(Object.keys(all.items[0]).sort()).toEqual(
      ['createdAt', 'currency', 'id', 'number', 'sentAt', 'status', 'supplierId', 'supplierName', 'total'].sort(),
    );
    const cancelled = (await h.get('query', '/purchase-orders?status=cancelled', clerk)).body.items;
    expect(cancelled.length).toBe(2);
    expect(cancelled.every((i: { status: string }) => i.status === 'cancelled')).toBe(true);
    expect((await h.get('query', `/purchase-orders?supplierId=${usd.supplierId}`, clerk)).body.items).toEqual([]);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await h.get('query', `/purchase-orders?limit=2${cursor ? `&cursor=${cursor}` : ''}`, clerk)
      ).body;
      pages.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all.items.map((i: { id: string }) => i.id));
    expect((await h.get('query', '/purchase-orders?status=open', clerk)).status).toBe(400);
    expect((await h.get('query', '/purchase-orders/no-such-po', clerk)).status).toBe(404);
  });

  it('the events are on the bus: created, sent, goods received (with stock_changed naming the order), cancelled', async () => {
    const po = await sentOrder([{ sku: skus.beans, quantity: 3, unitCost: 200 }]);
    const receipt = await receive({ purchaseOrderId: po.id, lines: [{ lineNo: 1, quantity: 1 }] });
    expect((await cancel(po.id)).status).toBe(200);
    const seen = await waitFor(
      async () => {
        const events: Envelope[] = [];
        await replayStream(h.bus.bus.js, h.bus.stream, async (batch) => void events.push(...batch.flatMap((e) => (e.event ? [e.event] : []))));
        const mine = events.filter((e) => (e.data as { purchaseOrderId?: string }).purchaseOrderId === po.id);
        return mine.length >= 5 ? mine : undefined;
      },
      { timeoutMs: 15_000, what: 'the purchase order events on the stream' },
    );
    expect(seen.map((e) => e.type)).toEqual(['purchase_order_created', 'purchase_order_sent', 'stock_changed', 'goods_received', 'purchase_order_cancelled']);
    expect(seen.find((e) => e.type === 'goods_received')!.data).toMatchObject({
      receiptId: receipt.body.receiptId,
      supplierId: eur.supplierId,
      currency: 'EUR',
      purchaseOrderStatus: 'partially_received',
      lines: [{ lineNo: 1, sku: skus.beans, quantity: 1, unitCost: 200, value: 200 }],
    });
    expect(seen.find((e) => e.type === 'stock_changed')!.data).toMatchObject({
      reason: 'receipt',
      movementReason: 'purchase_order',
      valueDelta: 200,
      currency: 'EUR',
    });
    expect(seen.find((e) => e.type === 'purchase_order_cancelled')!.data).toMatchObject({ previousStatus: 'partially_received' });
    expect(seen.every((e) => e.actor === 'test-clerk')).toBe(true);
  });
});

describe('reorder', () => {
  const due = { none: `R0-${randomUUID().slice(0, 6)}`, some: `R1-${randomUUID().slice(0, 6)}`, ok: `R2-${randomUUID().slice(0, 6)}` };

  it('turns the supplier suggestions into one draft purchase order; then there is nothing left to order', async () => {
    const s = await supplier({ name: 'Filter Werk GmbH', currency: 'EUR' });
    // Never bought and nothing on hand: its cost is unknown, drafted at 0. Bought before at 3.20: that cost.
    await product(due.none, 'EUR', { preferredSupplierId: s.supplierId, reorderLevel: 5, reorderQuantity: 10 });
    await product(due.some, 'EUR', { preferredSupplierId: s.supplierId, supplierSku: 'FW-1', reorderLevel: 3 });
    await product(due.ok, 'EUR', { preferredSupplierId: s.supplierId, reorderLevel: 1 });
    for (const [sku, quantity] of [
      [due.some, 2],
      [due.ok, 5],
    ] as const)
      expect((await h.post('receive-stock', { sku, quantity, unitCost: 320 }, clerk)).status).toBe(200);

    const before = await written();
    const unknown = await cmd('/reorder', { supplierId: 'no-such-supplier' });
    expect([unknown.status, unknown.body.error?.code]).toEqual([422, 'unknown_supplier']);
    const other = await cmd('/reorder', { supplierId: usd.supplierId });
    expect([other.status, other.body.error?.code]).toEqual([409, 'nothing_to_reorder']);
    expect(await written()).toBe(before);

    const res = await cmd('/reorder', { supplierId: s.supplierId });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: 'draft', supplierId: s.supplierId, currency: 'EUR', createdBy: 'test-clerk', total: 2 * 320 });
    expect(
      res.body.lines.map((l: { sku: string; quantity: number; unitCost: number; supplierSku: string | null }) => [
        l.sku,
        l.quantity,
        l.unitCost,
        l.supplierSku,
      ]),
    ).toEqual([
      [due.none, 10, 0, null],
      [due.some, 2, 320, 'FW-1'],
    ]);
    // The draft is on order: asked again, nothing is due.
    const again = await cmd('/reorder', { supplierId: s.supplierId });
    expect([again.status, again.body.error?.code]).toEqual([409, 'nothing_to_reorder']);

    // Two at once after the draft is cancelled: the supplier's row is locked, one drafts, the other finds it on order.
    expect((await cancel(res.body.id)).status).toBe(200);
    const both = await Promise.all([cmd('/reorder', { supplierId: s.supplierId }), cmd('/reorder', { supplierId: s.supplierId })]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await stock(due.none)).on_order).toBe(10);
  });
});
