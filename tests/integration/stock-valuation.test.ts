import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts } from '../../shared/domain/ledger.js';
import { subjectFor } from '../../shared/events/registry.js';
import { inventoryLedgerEqualsValueAtSql, stockValueProblems } from '../../shared/inventory/invariants.js';
import { createHarness, type Harness } from '../support/harness.js';
import { admin, clerk, valuationHelpers } from './stock-valuation-support.js';

// Stock at cost (docs/rules.md "Stock", docs/ledger.md "Inventory at cost") against real Postgres and
// JetStream: the moving average, COGS on shipment, returns at the cost they left with, adjustments and
// counts (never below reserved, also under a racing reservation), valuation at an instant, and the
// invariants the fault suite reuses (shared/inventory/invariants.ts) holding throughout.

let h: Harness;
let customerId: string;
const { q, product, receive, adjust, count, stockItem, level, posting, lastMovement, written, order } = valuationHelpers(
  () => h,
  () => customerId,
);

beforeAll(async () => {
  h = await createHarness('valuation');
  const c = await h.post('upsert-customer', { name: 'Valuation Customer', paymentTermsDays: 30 }, clerk);
  customerId = c.body.id;
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('receipts, shipments and returns at cost', () => {
  let sku: string;
  let orderId: string;

  it('averages receipts at two costs and books each to Inventory against goods received not invoiced', async () => {
    sku = await product();
    await receive(sku, 3, 100);
    const answer = await receive(sku, 4, 104);
    expect(answer).toMatchObject({ onHand: 7, value: 716, averageCost: 102, currency: 'EUR' }); // 716 / 7 = 102.29
    expect(await stockItem(sku)).toMatchObject({
      onHand: 7,
      reserved: 0,
      value: 716,
      averageCost: 102,
      currency: 'EUR',
      onOrder: 0,
      reorderQuantity: 0,
      preferredSupplierId: null,
    });
    const receipt = await lastMovement(sku, 'receipt');
    expect([receipt.value_delta, receipt.reason]).toEqual([416, 'unordered']);
    expect(await posting(receipt.id)).toEqual([
      { account: accounts.inventory, debit: 416, credit: 0, currency: 'EUR' },
      { account: accounts.goodsReceivedNotInvoiced, debit: 0, credit: 416, currency: 'EUR' },
    ]);
  });

  it('a shipment takes its share of the value at average cost and books it to COGS', async () => {
    orderId = await order(sku, 3);
    await h.settle();
    expect((await h.post('fulfil-order', { id: orderId }, clerk)).status).toBe(200);
    await h.settle();
    const shipment = await lastMovement(sku, 'shipment');
    expect([shipment.on_hand_delta, shipment.value_delta]).toEqual([-3, -307]); // 716 * 3 / 7 = 306.86
    expect(await posting(shipment.id)).toEqual([
      { account: accounts.inventory, debit: 0, credit: 307, currency: 'EUR' },
      { account: accounts.costOfGoodsSold, debit: 307, credit: 0, currency: 'EUR' },
    ]);
    expect(await level(sku)).toEqual({ on_hand: 4, reserved: 0, value: 409 });
  });

  it("a return restocks at the cost it left with (not today's average), in parts to the cent; scrapped goods move nothing", async () => {
    const first = await h.call('fulfil-order', '/return', {
      ...clerk,
      body: { orderId, lines: [{ lineNo: 1, quantity: 2, reason: 'one broken, one fine', disposition: 'scrap' }] },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    await h.settle();
    expect(await level(sku)).toEqual({ on_hand: 4, reserved: 0, value: 409 });

    const back = await h.call('fulfil-order', '/return', {
      ...clerk,
      body: { orderId, lines: [{ lineNo: 1, quantity: 1, reason: 'wrong size', disposition: 'restock' }] },
    });
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    await h.settle();
    // 307 for 3 shipped: the first unit back takes 102 (102.33), whatever the shelf's average (409 / 4 = 102.25).
    const ret = await lastMovement(sku, 'return');
    expect([ret.on_hand_delta, ret.value_delta]).toEqual([1, 102]);
    expect(await posting(ret.id)).toEqual([
      { account: accounts.inventory, debit: 102, credit: 0, currency: 'EUR' },
      { account: accounts.costOfGoodsSold, debit: 0, credit: 102, currency: 'EUR' },
    ]);
    expect(await level(sku)).toEqual({ on_hand: 5, reserved: 0, value: 511 });
  });

  it('returning all of a shipment in parts gives back exactly its value, and a return that overtakes its shipment waits for it', async () => {
    const s = await product();
    await receive(s, 3, 0);
    await receive(s, 3, 1); // 3 for 6 units: each share is a fraction of a cent
    const id = await order(s, 5);
    await h.settle();
    expect((await h.post('fulfil-order', { id }, clerk)).status).toBe(200);
    // The return is accepted (the order is fulfilled) before reserve-stock has shipped it.
    const first = await h.call('fulfil-order', '/return', {
      ...clerk,
      body: { orderId: id, lines: [{ lineNo: 1, quantity: 2, reason: 'early', disposition: 'restock' }] },
    });
    expect(first.status).toBe(201);
    const [returned] = await q<{ payload: unknown }>(
      `select payload from platform.outbox where payload->>'type' = 'goods_returned' and payload->'data'->>'orderId' = $1`,
      [id],
    );
    const early = await h.deliver('reserve-stock', returned!.payload);
    expect([early.status, early.body.error?.code]).toEqual([503, 'not_ready']);
    await h.settle(); // the shipment, then the return again
    const shipped = -(await lastMovement(s, 'shipment')).value_delta;
    expect(shipped).toBe(3); // 3 * 5 / 6 = 2.5 -> 3
    for (const quantity of [1, 2]) {
      const res = await h.call('fulfil-order', '/return', {
        ...clerk,
        body: { orderId: id, lines: [{ lineNo: 1, quantity, reason: 'later', disposition: 'restock' }] },
      });
      expect(res.status).toBe(201);
      await h.settle();
    }
    const back = await q<{ v: number; n: number }>(
      `select sum(value_delta)::int as v, count(*)::int as n from inventory.stock_movements where order_id = $1 and kind = 'return'`,
      [id],
    );
    expect(back).toEqual([{ v: shipped, n: 3 }]);
    expect(await level(s)).toEqual({ on_hand: 6, reserved: 0, value: 3 });
  });
});

describe('adjustments', () => {
  let sku: string;

  it('books each reason and sign at cost: out at average, in at the cost given, else the average, else the last receipt', async () => {
    sku = await product();
    await receive(sku, 10, 250);
    const damage = await adjust({ sku, quantity: -1, reason: 'damage', note: 'dropped' });
    expect(damage.status, JSON.stringify(damage.body)).toBe(200);
    expect(damage.body).toEqual({
      sku,
      onHand: 9,
      reserved: 0,
      available: 9,
      value: 2250,
      averageCost: 250,
      currency: 'EUR',
      quantityDelta: -1,
      valueDelta: -250,
      movementId: expect.any(Number),
    });
    expect(await posting(damage.body.movementId)).toEqual([
      { account: accounts.inventory, debit: 0, credit: 250, currency: 'EUR' },
      { account: accounts.inventoryWriteOffs, debit: 250, credit: 0, currency: 'EUR' },
    ]);
    expect((await adjust({ sku, quantity: -2, reason: 'theft' })).body).toMatchObject({ onHand: 7, value: 1750, valueDelta: -500 });
    const found = await adjust({ sku, quantity: 3, reason: 'correction', unitCost: 300 });
    expect(found.body).toMatchObject({ onHand: 10, value: 2650, valueDelta: 900, averageCost: 265 });
    expect(await posting(found.body.movementId)).toEqual([
      { account: accounts.inventory, debit: 900, credit: 0, currency: 'EUR' },
      { account: accounts.inventoryWriteOffs, debit: 0, credit: 900, currency: 'EUR' },
    ]);
    expect((await adjust({ sku, quantity: 1, reason: 'count' })).body).toMatchObject({ onHand: 11, value: 2915, valueDelta: 265 });
    // All out: the last units take exactly what is left; then found on an empty shelf: the last receipt's cost.
    expect((await adjust({ sku, quantity: -11, reason: 'correction' })).body).toMatchObject({ onHand: 0, value: 0, valueDelta: -2915, averageCost: null });
    expect((await adjust({ sku, quantity: 2, reason: 'correction' })).body).toMatchObject({ onHand: 2, value: 500, valueDelta: 500 });

    const moves = (await h.get('query', `/stock/${sku}/movements?limit=3`, clerk)).body.items;
    expect(moves.map((m: Record<string, unknown>) => [m.kind, m.onHandDelta, m.valueDelta, m.reason, m.actor, m.purchaseOrderId])).toEqual([
      ['adjustment', 2, 500, 'correction', 'test-clerk', null],
      ['adjustment', -11, -2915, 'correction', 'test-clerk', null],
      ['adjustment', 1, 265, 'count', 'test-clerk', null],
    ]);
  });

  it('refuses bad input with a clear 4xx and writes nothing', async () => {
    const before = await written();
    for (const body of [
      { sku, quantity: 0, reason: 'damage' },
      { sku, quantity: -1, reason: 'damage', unitCost: 100 },
      { sku, quantity: 1, reason: 'lost' },
      { sku, quantity: 1.5, reason: 'correction' },
    ]) {
      const res = await adjust(body);
      expect([res.status, res.body.error?.code], JSON.stringify(body)).toEqual([400, 'validation_failed']);
    }
    const unknown = await adjust({ sku: 'NO-SUCH-SKU', quantity: 1, reason: 'correction' });
    expect([unknown.status, unknown.body.error?.code, unknown.body.error?.details?.path]).toEqual([422, 'unknown_sku', 'sku']);
    expect(await written()).toBe(before);
  });

  it('never takes on-hand below reserved: 422 below_reserved naming the sku and levels, nothing written', async () => {
    const s = await product();
    await receive(s, 5, 100);
    await order(s, 4);
    await h.settle();
    const before = await written();
    const res = await adjust({ sku: s, quantity: -2, reason: 'damage' });
    expect([res.status, res.body.error?.code]).toEqual([422, 'below_reserved']);
    expect(res.body.error.details).toMatchObject({ sku: s, onHand: 5, reserved: 4, quantity: -2 });
    const counted = await count({ lines: [{ sku: s, counted: 3 }] });
    expect([counted.status, counted.body.error?.code, counted.body.error?.details?.path]).toEqual([422, 'below_reserved', 'lines.0.counted']);
    expect(await written()).toBe(before);
    expect(await level(s)).toEqual({ on_hand: 5, reserved: 4, value: 500 });
    expect((await adjust({ sku: s, quantity: -1, reason: 'damage' })).status).toBe(200); // down to exactly reserved
  });

  it('an adjustment racing reservations never leaves on-hand below reserved: every unit goes to one or the other', async () => {
    const s = await product();
    await receive(s, 10, 70);
    for (let i = 0; i < 10; i++) await order(s, 1);
    const adjustments = Array.from({ length: 10 }, () => adjust({ sku: s, quantity: -1, reason: 'theft' }));
    const [answers] = await Promise.all([Promise.all(adjustments), h.settle({ concurrent: true })]);
    const accepted = answers.filter((a) => a.status === 200).length;
    for (const a of answers) expect([200, 422], JSON.stringify(a.body)).toContain(a.status);
    for (const a of answers.filter((x) => x.status === 422)) expect(a.body.error.code).toBe('below_reserved');
    const l = await level(s);
    expect(l.on_hand).toBe(10 - accepted);
    expect(l.on_hand).toBeGreaterThanOrEqual(l.reserved);
    // Each attempt is refused only when nothing is available, so all ten units are taken, none twice.
    expect(accepted + l.reserved).toBe(10);
    expect(l.value).toBe(70 * l.on_hand);
    expect(await stockValueProblems(h.db.pool)).toEqual([]);
  });

  it('puts stock_adjusted on the bus with the actor, beside stock_changed', async () => {
    const s = await product();
    await receive(s, 4, 10);
    const token = await h.keys.token('clerk', 'casey');
    const res = await adjust({ sku: s, quantity: -1, reason: 'damage', note: 'crushed' }, { token });
    expect(res.status).toBe(200);
    // Published after commit with the PubAck awaited: it is the subject's last message by the time the answer came.
    const jsm = await jetstreamManager(h.bus.bus.nc);
    const message = await jsm.streams.getMessage(h.bus.stream, { last_by_subj: subjectFor(h.bus.prefix, 'stock_adjusted') });
    const event = message!.json<Record<string, unknown>>();
    expect(event).toMatchObject({
      type: 'stock_adjusted',
      actor: 'casey',
      aggregateType: 'product',
      aggregateId: s,
      data: { sku: s, quantityDelta: -1, reason: 'damage', valueDelta: -10, currency: 'EUR', countId: null, note: 'crushed', movementId: res.body.movementId },
    });
  });
});

describe('counts', () => {
  it('books one count adjustment per line that differs, none for a match, and keeps the count', async () => {
    const [a, b] = [await product(), await product()];
    await receive(a, 10, 100);
    await receive(b, 4, 50);
    const before = await written();
    const dup = await count({
      lines: [
        { sku: a, counted: 1 },
        { sku: a, counted: 2 },
      ],
    });
    expect([dup.status, dup.body.error?.code, dup.body.error?.details?.path]).toEqual([422, 'duplicate_line', 'lines.1.sku']);
    const unknown = await count({
      lines: [
        { sku: a, counted: 1 },
        { sku: 'NO-SUCH-SKU', counted: 2 },
      ],
    });
    expect([unknown.status, unknown.body.error?.code, unknown.body.error?.details?.path]).toEqual([422, 'unknown_sku', 'lines.1.sku']);
    expect((await count({ lines: [] })).status).toBe(400);
    expect((await count({ lines: [{ sku: a, counted: -1 }] })).status).toBe(400);
    expect(await written()).toBe(before);

    const key = { 'idempotency-key': `count-${a}` };
    const body = {
      lines: [
        { sku: b, counted: 4 },
        { sku: a, counted: 8 },
      ],
      note: 'year end',
    };
    const res = await count(body, key);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      countId: expect.any(String),
      lines: [
        { sku: b, counted: 4, onHandBefore: 4, difference: 0, valueDelta: 0 },
        { sku: a, counted: 8, onHandBefore: 10, difference: -2, valueDelta: -200 },
      ],
    });
    const again = await count(body, key);
    expect(again.body.countId).toBe(res.body.countId);
    const { countId } = res.body;
    expect(await q('select lines, note, actor from inventory.stock_counts where id = $1', [countId])).toEqual([
      { lines: res.body.lines, note: 'year end', actor: 'test-clerk' },
    ]);
    const moves = await q(
      `select sku, on_hand_delta, value_delta::int, reason, note from inventory.stock_movements where kind = 'adjustment' and sku = any($1)`,
      [[a, b]],
    );
    expect(moves).toEqual([{ sku: a, on_hand_delta: -2, value_delta: -200, reason: 'count', note: `count ${countId}: year end` }]);
    const events = await q<{ data: { sku: string; countId: string } }>(
      `select payload->'data' as data from platform.outbox where payload->>'type' = 'stock_adjusted' and payload->'data'->>'countId' = $1`,
      [countId],
    );
    expect(events.map((e) => e.data)).toEqual([expect.objectContaining({ sku: a, quantityDelta: -2, reason: 'count', countId })]);
    expect(await level(a)).toEqual({ on_hand: 8, reserved: 0, value: 800 });
  });
});

describe('valuation and the ledger', () => {
  it('values stock at any instant as the sum of its movements then, per sku and per currency, equal to the 1300 balance', async () => {
    const usd = await product('USD');
    await receive(usd, 2, 999);
    await h.settle();
    const at = new Date().toISOString();
    const then = (await h.get('query', `/stock/valuation?at=${encodeURIComponent(at)}`, clerk)).body;
    const levels = await q<{ sku: string; on_hand: number; value: number; currency: string }>(
      'select s.sku, s.on_hand, s.value::int, p.currency from inventory.stock_levels s join inventory.products p using (sku) where s.on_hand <> 0 or s.value <> 0 order by s.sku',
    );
    expect(then.at).toBe(at);
    expect(then.items.map((i: { sku: string; onHand: number; value: number; currency: string }) => [i.sku, i.onHand, i.value, i.currency])).toEqual(
      levels.map((l) => [l.sku, l.on_hand, l.value, l.currency]),
    );
    const perCurrency = (rows: { currency: string; value: number }[]) =>
      Object.entries(rows.reduce<Record<string, number>>((t, r) => ({ ...t, [r.currency]: (t[r.currency] ?? 0) + r.value }), {}))
        .map(([currency, value]) => ({ currency, value }))
        .sort((x, y) => x.currency.localeCompare(y.currency));
    expect(then.totals).toEqual(perCurrency(levels));
    expect(then.totals.map((t: { currency: string }) => t.currency)).toEqual(['EUR', 'USD']);
    const ledgerThen = await q<{ currency: string; value: number }>(
      'select currency, sum(debit - credit)::int as value from billing.ledger_entries where account = $1 and at <= $2 group by currency order by currency',
      [accounts.inventory, at],
    );
    expect(ledgerThen).toEqual(then.totals);
    expect(await q(inventoryLedgerEqualsValueAtSql, [accounts.inventory, at])).toEqual([]);

    // Later movements change now, never then.
    await receive(usd, 1, 1);
    const [someSku] = levels.filter((l) => l.currency === 'EUR' && l.on_hand > 0).map((l) => l.sku);
    expect((await adjust({ sku: someSku, quantity: 1, reason: 'correction', unitCost: 5 })).status).toBe(200);
    expect((await h.get('query', `/stock/valuation?at=${encodeURIComponent(at)}`, clerk)).body).toEqual(then);
    const now = (await h.get('query', '/stock/valuation', clerk)).body;
    expect(now.totals).toEqual(
      then.totals.map((t: { currency: string; value: number }) => ({ currency: t.currency, value: t.value + (t.currency === 'USD' ? 1 : 5) })),
    );
    expect(now.items.find((i: { sku: string }) => i.sku === usd)).toEqual({ sku: usd, name: expect.any(String), currency: 'USD', onHand: 3, value: 1999 });

    const before = (await h.get('query', '/stock/valuation?at=2000-01-01T00:00:00Z', clerk)).body;
    expect(before).toEqual({ at: '2000-01-01T00:00:00.000Z', items: [], totals: [] });
    for (const bad of ['yesterday', '2026-13-01T00:00:00Z', '0000-01-01T00:00:00Z']) {
      expect((await h.get('query', `/stock/valuation?at=${bad}`, clerk)).status, bad).toBe(400);
    }
  });

  it("fixes a product's currency once its stock has a value: no exchange rates, so 1300 and the stock stay in one currency", async () => {
    const valued = await product();
    await receive(valued, 1, 10);
    const before = await written();
    const res = await h.post('upsert-product', { sku: valued, name: 'Valued', unitPrice: 2000, currency: 'USD', taxRateBp: 2000 }, admin);
    expect([res.status, res.body.error?.code, res.body.error?.details]).toEqual([422, 'currency_mismatch', { sku: valued, currency: 'EUR', path: 'currency' }]);
    expect(await written()).toBe(before);
    expect((await h.post('upsert-product', { sku: valued, name: 'Valued, renamed', unitPrice: 2100, currency: 'EUR', taxRateBp: 2000 }, admin)).status).toBe(
      200,
    );
    const free = await product();
    await receive(free, 1); // no cost: no value yet
    expect((await h.post('upsert-product', { sku: free, name: 'Free', unitPrice: 2000, currency: 'USD', taxRateBp: 2000 }, admin)).status).toBe(200);
  });

  it('holds the invariants: levels = movements, value >= 0, ledger 1300 = value per currency; and they catch a corrupted level', async () => {
    await h.settle();
    expect(await stockValueProblems(h.db.pool)).toEqual([]);
    const client = await h.db.pool.connect();
    try {
      await client.query('begin');
      await client.query(
        'update inventory.stock_levels set value = value + 1 where sku = (select sku from inventory.stock_levels where on_hand > 0 order by sku limit 1)',
      );
      const problems = await stockValueProblems(client);
      expect(problems.some((p) => p.startsWith('level differs from its movements'))).toBe(true);
      expect(problems.some((p) => p.startsWith('ledger 1300 differs from the stock value'))).toBe(true);
    } finally {
      await client.query('rollback');
      client.release();
    }
  });
});
