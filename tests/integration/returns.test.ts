import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayUtc } from '../../olap/aging.js';
import { loadCreditNoteDocument } from '../../shared/billing/documents.js';
import { chart } from '../../shared/domain/chart-of-accounts.js';
import { taxOf } from '../../shared/domain/pricing.js';
import { createHarness, type Harness } from '../support/harness.js';
import { seed } from '../support/fixtures.js';
import { caughtUp, feedProjector } from '../support/olap.js';

// Returns, partial credit notes and refunds (docs/rules.md) against real Postgres, JetStream and the
// projector: stock back only for restocked lines, the credit note's own lines at the invoice's prices,
// the invoice's and the customer's balances, the ledger, AR aging; the limits, also under concurrency.

const dir = mkdtempSync(join(tmpdir(), 'erpbi-returns-it-'));
process.env.OLAP_FILE = join(dir, 'erpbi.duckdb');
process.env.COMPANY_PROFILE = JSON.stringify({ name: 'Seller Ltd', address: ['1 Road', 'Town'] });
let h: Harness;
let feed: Awaited<ReturnType<typeof feedProjector>>;
let a: { sku: string; customerId: string };
let b: { sku: string };

const clerk = { role: 'clerk' as const };
const accountant = { role: 'accountant' as const };
const returnGoods = (body: unknown, headers: Record<string, string> = {}) => h.call('fulfil-order', '/return', { ...clerk, body, headers });
const creditNote = (body: unknown, headers: Record<string, string> = {}) => h.call('record-payment', '/credit-note', { ...accountant, body, headers });
const refund = (body: unknown, headers: Record<string, string> = {}) => h.call('record-payment', '/refund', { ...accountant, body, headers });

async function q<T>(sql: string, values: unknown[] = []): Promise<T[]> {
  return (await h.db.pool.query(sql, values)).rows as T[];
}
const onHand = async (sku: string) => (await q<{ on_hand: number }>('select on_hand::int from inventory.stock_view where sku = $1', [sku]))[0]!.on_hand;
const invoice = async (orderId: string) =>
  (await h.get('query', `/invoices?orderId=${orderId}`, accountant)).body.items[0] as {
    id: string;
    total: number;
    subtotal: number;
    tax: number;
    balance: number;
    credited: number;
    status: string;
  };
const written = async () =>
  (
    await q<{
      n: string;
    }>(`select (select count(*) from orders.return_lines) + (select count(*) from billing.credit_notes) + (select count(*) from billing.refunds)
      + (select count(*) from platform.outbox) + (select count(*) from inventory.stock_movements) as n`)
  )[0]!.n;

/** An order of `lines`, invoiced, optionally paid in full, and fulfilled (its stock shipped). */
async function fulfilled(lines: { sku: string; quantity: number }[], pay: boolean) {
  const res = await h.post('create-order', { customerId: a.customerId, lines }, clerk);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const id = res.body.id as string;
  await h.settle();
  const inv = await invoice(id);
  if (pay) expect((await h.post('record-payment', { invoiceId: inv.id, amount: inv.total, method: 'bank_transfer' }, accountant)).status).toBe(201);
  expect((await h.post('fulfil-order', { id }, clerk)).status).toBe(200);
  await h.settle();
  return { id, invoice: inv };
}

beforeAll(async () => {
  h = await createHarness('returns');
  feed = await feedProjector(h);
  a = await seed(h, { stock: 100, unitPrice: 1999, taxRateBp: 2000 });
  b = await seed(h, { stock: 100, unitPrice: 333, taxRateBp: 700 });
}, 60_000);

afterAll(async () => {
  await feed?.stop();
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a return of a paid, fulfilled order, its credit note and the refund', () => {
  let order: Awaited<ReturnType<typeof fulfilled>>;
  let returnId: string;
  let note: {
    id: string;
    number: string;
    total: number;
    subtotal: number;
    tax: number;
    lines: { lineNo: number; quantity: number; net: number; tax: number }[];
  };

  it('refuses a return before fulfilment, and more than was shipped, writing nothing', async () => {
    const open = await h.post('create-order', { customerId: a.customerId, lines: [{ sku: a.sku, quantity: 1 }] }, clerk);
    await h.settle();
    const before = await written();
    const early = await returnGoods({ orderId: open.body.id, lines: [{ lineNo: 1, quantity: 1, reason: 'x', disposition: 'restock' }] });
    expect([early.status, early.body.error?.code]).toEqual([409, 'invalid_transition']);

    order = await fulfilled(
      [
        { sku: a.sku, quantity: 3 },
        { sku: b.sku, quantity: 5 },
      ],
      true,
    );
    const afterShip = await written();
    for (const [lines, code, path] of [
      [[{ lineNo: 1, quantity: 4, reason: 'x', disposition: 'restock' }], 'over_return', 'lines.0.quantity'],
      [[{ lineNo: 3, quantity: 1, reason: 'x', disposition: 'restock' }], 'unknown_line', 'lines.0.lineNo'],
      [
        [
          { lineNo: 2, quantity: 1, reason: 'x', disposition: 'scrap' },
          { lineNo: 2, quantity: 1, reason: 'y', disposition: 'scrap' },
        ],
        'duplicate_line',
        'lines.1.lineNo',
      ],
    ] as const) {
      const res = await returnGoods({ orderId: order.id, lines });
      expect([res.status, res.body.error?.code, res.body.error.details?.path]).toEqual([422, code, path]);
    }
    const bad = await returnGoods({ orderId: order.id, lines: [{ lineNo: 1, quantity: 1, reason: 'x', disposition: 'lost' }] });
    expect(bad.status).toBe(400);
    expect(await written()).toBe(afterShip);
    expect(Number(afterShip)).toBeGreaterThan(Number(before));
  });

  it('restocks the restocked line only, through a movement of kind return', async () => {
    const [stockA, stockB] = [await onHand(a.sku), await onHand(b.sku)];
    const key = { 'idempotency-key': `ret-${order.id}` };
    const body = {
      orderId: order.id,
      lines: [
        { lineNo: 1, quantity: 2, reason: 'wrong size', disposition: 'restock' },
        { lineNo: 2, quantity: 1, reason: 'broken', disposition: 'scrap' },
      ],
    };
    const res = await returnGoods(body, key);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    returnId = res.body.id;
    const again = await returnGoods(body, key); // a retry with its key: the same answer, nothing more
    expect([again.status, again.body.id]).toEqual([201, returnId]);
    await h.settle();
    expect(await onHand(a.sku)).toBe(stockA + 2);
    expect(await onHand(b.sku)).toBe(stockB);
    expect(await q('select sku, kind, on_hand_delta::int as d from inventory.stock_movements where order_id = $1 and kind = $2', [order.id, 'return'])).toEqual(
      [{ sku: a.sku, kind: 'return', d: 2 }],
    );
    expect(await q('select line_no, returned from orders.order_lines where order_id = $1 order by line_no', [order.id])).toEqual([
      { line_no: 1, returned: 2 },
      { line_no: 2, returned: 1 },
    ]);
  });

  it('credits exactly the returned quantities at the invoice prices, once', async () => {
    const res = await creditNote({ returnId });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    note = res.body;
    const lineA = { net: 2 * 1999, tax: taxOf(2 * 1999, 2000) };
    const lineB = { net: 333, tax: taxOf(333, 700) };
    expect(note.lines.map((l) => [l.lineNo, l.quantity, l.net, l.tax])).toEqual([
      [1, 2, lineA.net, lineA.tax],
      [2, 1, lineB.net, lineB.tax],
    ]);
    expect([note.subtotal, note.tax, note.total]).toEqual([lineA.net + lineB.net, lineA.tax + lineB.tax, lineA.net + lineB.net + lineA.tax + lineB.tax]);
    expect(note.number).toMatch(/^CN-\d{4}-000001$/);

    // Its document: its own lines and totals, crediting the invoice.
    const printed = (await loadCreditNoteDocument(h.db.pool, note.id))!;
    expect(printed).toMatchObject({
      kind: 'credit_note',
      number: note.number,
      subtotal: note.subtotal,
      tax: note.tax,
      total: note.total,
      amountDue: note.total,
    });
    expect(printed.lines.map((l) => [l.sku, l.quantity, l.net, l.tax])).toEqual([
      [a.sku, 2, lineA.net, lineA.tax],
      [b.sku, 1, lineB.net, lineB.tax],
    ]);
    expect(printed.credits?.number).toMatch(/^INV-/);

    const twice = await creditNote({ returnId });
    expect([twice.status, twice.body.error?.code]).toEqual([409, 'return_already_credited']);
    const unknown = await creditNote({ returnId: 'no-such-return' });
    expect(unknown.status).toBe(404);

    // Paid in full and partly credited: still paid, the credited amount owed back.
    const inv = await invoice(order.id);
    expect(inv).toMatchObject({ status: 'paid', credited: note.total, balance: -note.total });
    const doc = (await h.get('query', `/invoices/${inv.id}`, accountant)).body;
    expect(doc.creditNotes.map((n: { number: string; amount: number; tax: number; returnId: string }) => [n.number, n.amount, n.tax, n.returnId])).toEqual([
      [note.number, note.total, note.tax, returnId],
    ]);
    expect(doc.returns.map((r: { id: string; creditNoteId: string | null }) => [r.id, r.creditNoteId])).toEqual([[returnId, note.id]]);
    expect(doc.refundDue).toBe(note.total);
    const orderRead = (await h.get('query', `/orders/${order.id}`, clerk)).body;
    expect(
      orderRead.returns.map((r: { id: string; lines: { lineNo: number; quantity: number }[] }) => [r.id, r.lines.map((l) => [l.lineNo, l.quantity])]),
    ).toEqual([
      [
        returnId,
        [
          [1, 2],
          [2, 1],
        ],
      ],
    ]);
  });

  it('refunds what is owed back, and no more', async () => {
    const over = await refund({ creditNoteId: note.id, amount: note.total + 1, method: 'bank_transfer' });
    expect([over.status, over.body.error?.code, over.body.error.details.refundDue]).toEqual([422, 'over_refund', note.total]);
    const first = await refund({ creditNoteId: note.id, amount: note.total - 100, method: 'bank_transfer', reference: 'R-1' }, { 'idempotency-key': 'rf-1' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.refundDue).toBe(100);
    // Two at once for the 100 left: one passes.
    const both = await Promise.all([1, 2].map(() => refund({ creditNoteId: note.id, amount: 100, method: 'card' })));
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await invoice(order.id)).balance).toBe(0);
    const none = await refund({ creditNoteId: note.id, amount: 1, method: 'cash' });
    expect([none.status, none.body.error?.code]).toEqual([409, 'nothing_to_refund']);
    expect(await q('select count(*)::int as n, sum(amount)::int as s from billing.refunds')).toEqual([{ n: 2, s: note.total }]);
  });
});

describe('an unpaid invoice partly credited', () => {
  it("lowers the invoice's and the customer's balance and AR aging by the credit, and refunds nothing", async () => {
    const order = await fulfilled([{ sku: a.sku, quantity: 3 }], false);
    const owed = async () => ((await h.get('query', `/customers/${a.customerId}`, clerk)).body.openBalances as { balance: number }[])[0]!.balance;
    const owedBefore = await owed();
    const ret = await returnGoods({ orderId: order.id, lines: [{ lineNo: 1, quantity: 1, reason: 'late', disposition: 'scrap' }] });
    const cn = await creditNote({ returnId: ret.body.id, reason: 'late delivery' });
    expect(cn.status, JSON.stringify(cn.body)).toBe(201);
    const inv = await invoice(order.id);
    expect(inv).toMatchObject({ status: 'open', credited: cn.body.total, balance: order.invoice.total - cn.body.total });
    // Paying the rest settles it.
    expect((await h.post('record-payment', { invoiceId: inv.id, amount: inv.balance + 1, method: 'card' }, accountant)).body.error?.code).toBe('overpayment');
    const nothing = await refund({ creditNoteId: cn.body.id, amount: 1, method: 'cash' });
    expect([nothing.status, nothing.body.error?.code]).toEqual([409, 'nothing_to_refund']);
    expect(await owed()).toBe(owedBefore - cn.body.total);

    await h.settle();
    await caughtUp(h);
    const aging = (await h.get('project-to-olap', `/query/ar_aging?asOf=${todayUtc(new Date())}`, accountant)).body.rows as {
      balance: number;
      invoices: number;
    }[];
    const open = await q<{ s: number }>(`select sum(balance)::int as s from billing.invoice_view where balance > 0`);
    expect(aging.reduce((s, r) => s + r.balance, 0)).toBe(open[0]!.s);
  });
});

describe('concurrent returns of one line', () => {
  it('take back at most what was shipped in all', async () => {
    const order = await fulfilled([{ sku: a.sku, quantity: 5 }], true);
    const stock = await onHand(a.sku);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => returnGoods({ orderId: order.id, lines: [{ lineNo: 1, quantity: 1, reason: 'rush', disposition: 'restock' }] })),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(5);
    expect(answers.filter((r) => r.status !== 201).map((r) => r.body.error?.code)).toEqual(['over_return', 'over_return', 'over_return']);
    expect(await q('select returned from orders.order_lines where order_id = $1', [order.id])).toEqual([{ returned: 5 }]);
    await h.settle();
    expect(await onHand(a.sku)).toBe(stock + 5);
    // Crediting all five returns credits the invoice in full, to the cent: credited, nothing open, all paid owed back.
    const notes = await Promise.all(answers.filter((r) => r.status === 201).map((r) => creditNote({ returnId: r.body.id })));
    expect(notes.map((n) => n.status)).toEqual([201, 201, 201, 201, 201]);
    const inv = await invoice(order.id);
    expect(notes.reduce((s, n) => s + n.body.subtotal, 0)).toBe(inv.subtotal);
    expect(notes.reduce((s, n) => s + n.body.tax, 0)).toBe(inv.tax);
    expect(inv).toMatchObject({ status: 'credited', credited: inv.total, balance: -inv.total });
  });
});

describe('the books after all of it', () => {
  it('balance, and each invoice receivable equals its balance', async () => {
    await h.settle();
    const [totals] = await q<{ d: string; c: string }>('select sum(debit)::text as d, sum(credit)::text as c from billing.ledger_entries');
    expect(totals!.d).toBe(totals!.c);
    const mismatched = await q(
      `select i.id, i.balance, coalesce(sum(e.debit - e.credit), 0)::bigint as receivable from billing.invoice_view i
       left join billing.ledger_entries e on e.invoice_id = i.id and e.account = $1 group by i.id, i.balance having i.balance <> coalesce(sum(e.debit - e.credit), 0)`,
      [chart.receivable.code],
    );
    expect(mismatched).toEqual([]);
    const kinds = await q<{ kind: string }>('select distinct kind from billing.ledger_view order by kind');
    expect(kinds.map((k) => k.kind)).toEqual(['credit-note', 'invoice', 'payment', 'refund']);
    // CN numbers without gaps.
    const numbers = (await q<{ number: string }>('select number from billing.credit_notes order by number')).map((r) => Number(r.number.slice(-6)));
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  });
});
