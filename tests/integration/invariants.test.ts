import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, loadDefinitions, type Harness } from '../support/harness.js';
import { counts, seed } from '../support/fixtures.js';
import { checkStockAtCost, stockInvariants } from '../faults/stock-invariants.js';

// The promises of issue 2, each against real Postgres and JetStream through the functions themselves.
let h: Harness;
beforeAll(async () => {
  h = await createHarness('inv');
});
afterAll(async () => h?.close());

async function order(customerId: string, sku: string, quantity = 1) {
  const res = await h.post('create-order', { customerId, lines: [{ sku, quantity }] }, { role: 'clerk' });
  expect(res.status).toBe(201);
  return res.body.id as string;
}
const status = async (id: string) => (await h.get('query', `/orders/${id}`, { role: 'clerk' })).body.status;
const invoiceOf = async (orderId: string) => (await h.get('query', `/invoices?orderId=${orderId}`, { role: 'accountant' })).body.items[0];
const level = async (sku: string) => (await h.get('query', '/stock', { role: 'clerk' })).body.items.find((s: { sku: string }) => s.sku === sku);

describe('stock', () => {
  it('never oversells: 30 concurrent orders of 1-3 units against 12 in stock, reserved concurrently', async () => {
    const { sku, customerId } = await seed(h, { stock: 12 });
    const quantities = Array.from({ length: 30 }, (_, i) => 1 + (i % 3));
    const ids = await Promise.all(quantities.map((q) => order(customerId, sku, q)));
    await h.settle({ concurrent: true });
    const statuses = await Promise.all(ids.map(status));
    const reservedUnits = quantities.filter((_, i) => statuses[i] !== 'rejected').reduce((a, b) => a + b, 0);
    const l = await level(sku);
    expect(l.reserved).toBe(reservedUnits);
    expect(reservedUnits).toBeLessThanOrEqual(12);
    expect(l.available).toBeGreaterThanOrEqual(0);
    // Rejected only when it really did not fit: whatever is left is smaller than every rejected order.
    const rejectedQty = quantities.filter((_, i) => statuses[i] === 'rejected');
    for (const q of rejectedQty) expect(q).toBeGreaterThan(l.available);
    // Counters equal the ledger of movements.
    const { rows } = await h.db.pool.query(
      'select sum(on_hand_delta)::int as on_hand, sum(reserved_delta)::int as reserved from inventory.stock_movements where sku = $1',
      [sku],
    );
    expect(rows[0]).toEqual({ on_hand: l.onHand, reserved: l.reserved });
  });

  it('reservation is all or nothing: an order whose second line is short ends rejected and reserves nothing', async () => {
    const a = await seed(h, { stock: 10 });
    const b = await seed(h, { stock: 1 });
    const res = await h.post(
      'create-order',
      {
        customerId: a.customerId,
        lines: [
          { sku: a.sku, quantity: 2 },
          { sku: b.sku, quantity: 5 },
        ],
      },
      { role: 'clerk' },
    );
    await h.settle();
    expect(await status(res.body.id)).toBe('rejected');
    expect(await level(a.sku)).toMatchObject({ onHand: 10, reserved: 0 });
    expect(await level(b.sku)).toMatchObject({ onHand: 1, reserved: 0 });
    expect(await invoiceOf(res.body.id)).toBeUndefined();
  });

  it('cancelling a reserved order gives its stock back; an invoiced one gets a credit note that balances the ledger', async () => {
    const { sku, customerId } = await seed(h, { stock: 5 });
    const id = await order(customerId, sku, 4);
    await h.settle();
    expect(await status(id)).toBe('invoiced');
    const cancelled = await h.post('cancel-order', { id, reason: 'customer changed mind' }, { role: 'clerk' });
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    await h.settle();
    expect(await level(sku)).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
    const inv = await invoiceOf(id);
    expect(inv).toMatchObject({ status: 'credited', balance: 0 });
    const cn = await h.db.pool.query('select number, amount from billing.credit_notes where invoice_id = $1', [inv.id]);
    expect(cn.rows[0]).toMatchObject({ amount: inv.total });
    expect(cn.rows[0].number).toMatch(/^CN-\d{4}-\d{6}$/);
    // A cancelled order cannot be cancelled or fulfilled again.
    expect((await h.post('cancel-order', { id }, { role: 'clerk' })).status).toBe(409);
    expect((await h.post('fulfil-order', { id }, { role: 'clerk' })).status).toBe(409);
  });

  it('a cancel that overtakes its order_created reserves nothing and issues no invoice', async () => {
    const { sku, customerId } = await seed(h, { stock: 3 });
    const id = await order(customerId, sku, 1);
    const created = (
      await h.db.pool.query(`select payload from platform.outbox where payload->>'aggregateId' = $1 and payload->>'type' = 'order_created'`, [id])
    ).rows[0].payload;
    await h.post('cancel-order', { id }, { role: 'clerk' });
    const cancelledEvt = (
      await h.db.pool.query(`select payload from platform.outbox where payload->>'aggregateId' = $1 and payload->>'type' = 'order_cancelled'`, [id])
    ).rows[0].payload;
    // Deliver out of order: the cancel first, then the creation.
    expect((await h.deliver('reserve-stock', cancelledEvt)).status).toBe(200);
    expect((await h.deliver('reserve-stock', created)).status).toBe(200);
    await h.settle();
    expect(await level(sku)).toMatchObject({ reserved: 0 });
    expect(await invoiceOf(id)).toBeUndefined();
    expect(await status(id)).toBe('cancelled');
  });
});

describe('billing', () => {
  it('invoice numbers are unique and gapless under 25 concurrent reservations', async () => {
    const { sku, customerId } = await seed(h, { stock: 100 });
    const ids = await Promise.all(Array.from({ length: 25 }, () => order(customerId, sku, 1)));
    await h.settle({ concurrent: true });
    const { rows } = await h.db.pool.query<{ number: string }>('select number from billing.invoices order by number');
    const seqs = rows.map((r) => Number(r.number.slice(-6)));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    for (const id of ids) expect(await status(id)).toBe('invoiced');
  });

  it('a payment retried with the same Idempotency-Key is recorded once, even when the retries race', async () => {
    const { sku, customerId } = await seed(h, { stock: 5, unitPrice: 1000, taxRateBp: 0 });
    const id = await order(customerId, sku, 2);
    await h.settle();
    const inv = await invoiceOf(id);
    const pay = () =>
      h.post('record-payment', { invoiceId: inv.id, amount: 500, method: 'cash' }, { role: 'accountant', headers: { 'idempotency-key': `k-${id}` } });
    const answers = await Promise.all([pay(), pay(), pay(), pay()]);
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.paymentId)).size).toBe(1);
    const paid = await h.db.pool.query('select count(*)::int as n, sum(amount)::int as total from billing.payments where invoice_id = $1', [inv.id]);
    expect(paid.rows[0]).toEqual({ n: 1, total: 500 });
    // Same key, another body: refused, nothing written.
    const other = await h.post(
      'record-payment',
      { invoiceId: inv.id, amount: 700, method: 'cash' },
      { role: 'accountant', headers: { 'idempotency-key': `k-${id}` } },
    );
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect((await h.db.pool.query('select count(*)::int as n from billing.payments where invoice_id = $1', [inv.id])).rows[0].n).toBe(1);
  });

  it('refuses an overpayment with 422 and writes nothing; a paid invoice takes no more', async () => {
    const { sku, customerId } = await seed(h, { stock: 5, unitPrice: 1000, taxRateBp: 0 });
    const id = await order(customerId, sku, 1);
    await h.settle();
    const inv = await invoiceOf(id);
    const before = await counts(h);
    const over = await h.post('record-payment', { invoiceId: inv.id, amount: 1001, method: 'card' }, { role: 'accountant' });
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({ code: 'overpayment', details: { balance: 1000 } });
    expect(await counts(h)).toEqual(before);
    expect((await h.post('record-payment', { invoiceId: inv.id, amount: 1000, method: 'card' }, { role: 'accountant' })).status).toBe(201);
    const again = await h.post('record-payment', { invoiceId: inv.id, amount: 1, method: 'card' }, { role: 'accountant' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invoice_not_payable');
  });

  it('keeps the double-entry ledger balanced, per posting and in total, and AR equals open balances', async () => {
    await h.settle();
    const perPosting = await h.db.pool.query('select posting_id from billing.ledger_entries group by posting_id having sum(debit) <> sum(credit)');
    expect(perPosting.rowCount).toBe(0);
    const total = await h.db.pool.query('select sum(debit)::bigint as d, sum(credit)::bigint as c, count(*)::int as n from billing.ledger_entries');
    expect(total.rows[0].n).toBeGreaterThan(0);
    expect(total.rows[0].d).toBe(total.rows[0].c);
    const ar = await h.db.pool.query(
      `select coalesce(sum(debit - credit), 0)::bigint as ar from billing.ledger_entries where account = '1200-accounts-receivable'`,
    );
    const open = await h.db.pool.query('select coalesce(sum(total - amount_paid - credited), 0)::bigint as open from billing.invoices');
    expect(ar.rows[0].ar).toBe(open.rows[0].open);
  });
});

describe('events', () => {
  it('a redelivered event changes nothing', async () => {
    const { sku, customerId } = await seed(h, { stock: 5 });
    const id = await order(customerId, sku, 2);
    await h.settle();
    const events = (
      await h.db.pool.query(
        `select payload from platform.outbox where payload->>'correlationId' = (select payload->>'correlationId' from platform.outbox where payload->>'aggregateId' = $1 and payload->>'type' = 'order_created')`,
        [id],
      )
    ).rows.map((r) => r.payload);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['order_created', 'stock_reserved', 'invoice_created']));
    const before = { counts: await counts(h), level: await level(sku), status: await status(id) };
    const handles = new Map((await loadDefinitions()).map((d) => [d.name, d.routes.flatMap((r) => (r.kind === 'reaction' ? Object.keys(r.on) : []))]));
    for (const e of events) {
      for (const fn of ['reserve-stock', 'create-invoice']) {
        const res = await h.deliver(fn, e);
        // A type the function does not handle is a subscription mistake: 422, which the connector dead-letters.
        if (handles.get(fn)!.includes(e.type)) expect([res.status, res.body.outcome], `${fn} ${e.type}`).toEqual([200, 'duplicate']);
        else expect([res.status, res.body.error?.code], `${fn} ${e.type}`).toEqual([422, 'unhandled_event']);
      }
    }
    expect({ counts: await counts(h), level: await level(sku), status: await status(id) }).toEqual(before);
  });

  it('a stale status event never moves an order backwards', async () => {
    const { sku, customerId } = await seed(h, { stock: 5, unitPrice: 100, taxRateBp: 0 });
    const id = await order(customerId, sku, 1);
    await h.settle();
    const inv = await invoiceOf(id);
    await h.post('record-payment', { invoiceId: inv.id, amount: 100, method: 'cash' }, { role: 'accountant' });
    await h.settle();
    expect(await status(id)).toBe('paid');
    // Copies of order_created and stock_reserved with new ids (as a replay from elsewhere, or an event of
    // the version before still in flight, would be) arrive late: the moves they cause are refused.
    const copy = async (type: string, n: number) => {
      const { rows } = await h.db.pool.query(`select payload from platform.outbox where payload->>'aggregateId' = $1 and payload->>'type' = $2`, [id, type]);
      return { ...rows[0].payload, id: `01900000-0000-7000-8000-00000000000${n}` };
    };
    const before = await counts(h);
    expect((await h.deliver('reserve-stock', await copy('order_created', 1))).status).toBe(200);
    expect((await h.deliver('create-invoice', await copy('stock_reserved', 2))).status).toBe(200);
    expect(await status(id)).toBe('paid');
    const history = await h.db.pool.query('select status from orders.status_history where order_id = $1', [id]);
    expect(history.rows.map((r) => r.status).sort()).toEqual(['invoiced', 'paid', 'pending', 'reserved']);
    expect(await counts(h)).toEqual(before); // no second reservation, invoice, movement nor event
  });

  it('refuses a malformed, future or unhandled event with a 4xx so the connector dead-letters it, and writes nothing', async () => {
    const before = await counts(h);
    const res = await h.deliver('reserve-stock', { id: 'nope', type: 'order_created', data: {} });
    expect(res.status).toBe(400);
    // A whole envelope whose data breaks the registry's schema: 400, with the path under data.
    const created = (await h.db.pool.query(`select payload from platform.outbox where payload->>'type' = 'order_created' limit 1`)).rows[0].payload;
    const broken = await h.deliver('reserve-stock', { ...created, id: '01900000-0000-7000-8000-0000000000b1', data: { ...created.data, lines: [] } });
    expect([broken.status, broken.body.error.code, broken.body.error.details[0].path]).toEqual([400, 'validation_failed', 'data.lines']);
    // Data of a version newer than this code: 422, never guessed at.
    const future = await h.deliver('reserve-stock', { ...created, id: '01900000-0000-7000-8000-0000000000b2', version: 99 });
    expect([future.status, future.body.error.code]).toEqual([422, 'unknown_event_version']);
    // A type this function is not subscribed to handle: 422 unhandled_event, not a silent 200.
    const stray = await h.deliver('reserve-stock', { ...created, id: '01900000-0000-7000-8000-0000000000b3', type: 'invoice_paid' });
    expect([stray.status, stray.body.error.code]).toEqual([422, 'unhandled_event']);
    expect(await counts(h)).toEqual(before);
  });
});

describe('stock at cost', () => {
  // Last in the file: after the reservations, shipments, cancels and replays above, the book of stock at
  // cost still adds up (the fault suite's checks, tests/faults/stock-invariants.ts).
  it('every stock-at-cost invariant holds after everything above', async () => {
    const report = await checkStockAtCost(async (sql, params = []) => (await h.db.pool.query(sql, params)).rows);
    expect(report.violations).toEqual({});
    expect(report.checked[stockInvariants.value]).toBeGreaterThan(0);
  });
});
