import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { seed } from '../support/fixtures.js';
import { tag, q, expectError, ids, readsOn } from './workspace-reads-support.js';

// The reads the browser workspace uses (issue 10), against real Postgres and JetStream: every new
// filter and field, the searches with LIKE's own characters in them, and the 404s. Orders and
// invoices here; stock and products, customers and employees, and paging in workspace-reads-*.test.ts.

let h: Harness;
beforeAll(async () => {
  h = await createHarness('reads');
});
afterAll(async () => h?.close());

const { read, customer, order, invoiceOf } = readsOn(() => h);

describe('workspace reads: orders', () => {
  it('adds customerName to list and record, and invoiceNumber once invoiced', async () => {
    const { sku } = await seed(h, { stock: 10 });
    const name = `Named Buyer ${tag()}`;
    const customerId = await customer(name);
    const id = await order(customerId, [{ sku, quantity: 1 }]);

    const pending = await read(`/orders/${id}`);
    expect(pending).toMatchObject({ id, customerId, customerName: name, invoiceId: null, invoiceNumber: null });
    expect((await read(`/orders?customerId=${customerId}`)).items).toEqual([expect.objectContaining({ id, customerName: name })]);

    await h.settle();
    const invoiced = await read(`/orders/${id}`);
    const invoice = await invoiceOf(id);
    expect(invoiced).toMatchObject({ status: 'invoiced', invoiceId: invoice.id, invoiceNumber: invoice.number });
    expect(invoice.number).toMatch(/^INV-\d{4}-\d{6}$/);
    expectError(await h.get('query', '/orders/no-such-order', { role: 'clerk' }), 404, 'not_found');
  });

  it('filters by UTC day, both ends inclusive', async () => {
    const { sku } = await seed(h, { stock: 10 });
    const customerId = await customer(`Dated ${tag()}`);
    const at = ['2025-02-28T23:59:59.999999Z', '2025-03-01T00:00:00Z', '2025-03-01T23:59:59.999999Z', '2025-03-02T00:00:00Z', '2025-03-03T12:00:00Z'];
    const made: string[] = [];
    for (const instant of at) {
      const id = await order(customerId, [{ sku, quantity: 1 }]);
      await h.db.pool.query('update orders.orders set created_at = $2 where id = $1', [id, instant]);
      made.push(id);
    }
    const within = async (range: string) => ids(await read(`/orders?customerId=${customerId}&${range}`)).sort();
    expect(await within('from=2025-03-01&to=2025-03-01')).toEqual([made[1], made[2]].sort());
    expect(await within('from=2025-03-01&to=2025-03-02')).toEqual([made[1], made[2], made[3]].sort());
    expect(await within('from=2025-03-02')).toEqual([made[3], made[4]].sort());
    expect(await within('to=2025-02-28')).toEqual([made[0]]);
    expect(await within('from=2025-03-04')).toEqual([]);

    // Paging with a range still gives each order once, newest first.
    const first = await read(`/orders?customerId=${customerId}&from=2025-02-28&to=2025-03-03&limit=3`);
    const second = await read(`/orders?customerId=${customerId}&from=2025-02-28&to=2025-03-03&limit=3&cursor=${first.nextCursor}`);
    expect([...ids(first), ...ids(second)]).toEqual([...made].reverse());
    expect(second.nextCursor).toBeNull();

    for (const bad of ['from=2025-02-30', 'to=0000-01-01', 'from=2025-3-1', 'from=2025-03-02&to=2025-03-01', 'from=2025-03-01T00:00:00Z']) {
      expectError(await h.get('query', `/orders?${bad}`, { role: 'clerk' }), 400, 'validation_failed');
    }
  });

  it('searches any part of the order id or the customer name, with % and _ taken literally', async () => {
    const { sku } = await seed(h, { stock: 20 });
    const t = tag();
    const odd = await customer(`Ab%_cd ${t} Ltd`);
    const plain = await customer(`Abxycd ${t} Ltd`);
    const oddOrder = await order(odd, [{ sku, quantity: 1 }]);
    const plainOrder = await order(plain, [{ sku, quantity: 1 }]);

    // Unescaped, 'b%_c' would match "Abxycd" as well (b, any, one character, c).
    expect(ids(await read(`/orders?q=${q(`B%_C`)}&limit=200`)).filter((id) => [oddOrder, plainOrder].includes(id))).toEqual([oddOrder]);
    expect(ids(await read(`/orders?q=${q(`cd ${t.toUpperCase()}`)}`)).sort()).toEqual([oddOrder, plainOrder].sort());
    expect(ids(await read(`/orders?q=${q('_')}&customerId=${plain}`))).toEqual([]);
    expect(ids(await read(`/orders?q=${q('%')}&customerId=${odd}`))).toEqual([oddOrder]);
    // Any part of an order id, in any case: its start, and the last characters the screens show.
    expect(ids(await read(`/orders?q=${q(plainOrder.slice(0, -4).toUpperCase())}`))).toEqual([plainOrder]);
    expect(ids(await read(`/orders?q=${q(plainOrder.slice(-8))}`))).toEqual([plainOrder]);
    expect(ids(await read(`/orders?q=${q(`${plainOrder.slice(-8)}x`)}`))).toEqual([]);

    expectError(await h.get('query', `/orders?q=${'x'.repeat(101)}`, { role: 'clerk' }), 400, 'validation_failed');
    expectError(await h.get('query', '/orders?q=', { role: 'clerk' }), 400, 'validation_failed');
    expectError(await h.get('query', '/orders?q=a&q=b', { role: 'clerk' }), 400, 'validation_failed');
  });
});

describe('workspace reads: invoices', () => {
  it('adds customerName and overdue; filters overdue; searches number prefix or customer name', async () => {
    const { sku } = await seed(h, { stock: 20, unitPrice: 1000, taxRateBp: 2000 });
    const t = tag();
    const name = `Late_Payer% ${t}`;
    const customerId = await customer(name, 0);
    const [late, soon, paid] = [
      await order(customerId, [{ sku, quantity: 1 }]),
      await order(customerId, [{ sku, quantity: 2 }]),
      await order(customerId, [{ sku, quantity: 3 }]),
    ];
    await h.settle();
    const [lateInv, soonInv, paidInv] = [await invoiceOf(late), await invoiceOf(soon), await invoiceOf(paid)];
    // Due today is not overdue; yesterday is. Time passing, simulated on the stored due dates.
    await h.db.pool.query(`update billing.invoices set due_date = (now() at time zone 'UTC')::date - 1 where id = any($1)`, [[lateInv.id, paidInv.id]]);
    expect((await h.post('record-payment', { invoiceId: paidInv.id, amount: paidInv.total, method: 'card' }, { role: 'accountant' })).status).toBe(201);

    const all = await read(`/invoices?customerId=${customerId}`, 'accountant');
    expect(all.items).toHaveLength(3);
    for (const item of all.items) expect(item.customerName).toBe(name);
    const overdueOf = new Map(all.items.map((i: { id: string; overdue: boolean }) => [i.id, i.overdue]));
    expect(Object.fromEntries([lateInv, soonInv, paidInv].map((i) => [i.id, overdueOf.get(i.id)]))).toEqual({
      [lateInv.id]: true,
      [soonInv.id]: false,
      [paidInv.id]: false,
    });
    expect(ids(await read(`/invoices?customerId=${customerId}&overdue=true`, 'accountant'))).toEqual([lateInv.id]);
    expect(ids(await read(`/invoices?customerId=${customerId}&overdue=false`, 'accountant')).sort()).toEqual([soonInv.id, paidInv.id].sort());
    expect((await read(`/invoices/${lateInv.id}`, 'accountant')).overdue).toBe(true);

    // A partial payment leaves it overdue; the rest clears it.
    await h.post('record-payment', { invoiceId: lateInv.id, amount: 100, method: 'cash' }, { role: 'accountant' });
    expect(ids(await read(`/invoices?customerId=${customerId}&overdue=true&status=partially_paid`, 'accountant'))).toEqual([lateInv.id]);
    await h.post('record-payment', { invoiceId: lateInv.id, amount: lateInv.total - 100, method: 'cash' }, { role: 'accountant' });
    expect(ids(await read(`/invoices?customerId=${customerId}&overdue=true`, 'accountant'))).toEqual([]);

    // Number prefix, in any case; customer name contains, % and _ literal.
    expect(ids(await read(`/invoices?q=${q(soonInv.number.toLowerCase())}`, 'accountant'))).toEqual([soonInv.id]);
    expect(ids(await read(`/invoices?q=${q(`payer% ${t}`)}`, 'accountant')).sort()).toEqual([lateInv.id, soonInv.id, paidInv.id].sort());
    expect(ids(await read(`/invoices?q=${q(`_payer%`)}&customerId=${customerId}`, 'accountant'))).toHaveLength(3);
    expect(ids(await read(`/invoices?q=${q(`ate%payer`)}&customerId=${customerId}`, 'accountant'))).toEqual([]); // a wildcard would match
    expect(ids(await read(`/invoices?q=${q(`late_payer_`)}&customerId=${customerId}`, 'accountant'))).toEqual([]); // so would this

    for (const bad of ['overdue=yes', 'overdue=1', `q=${'y'.repeat(101)}`])
      expectError(await h.get('query', `/invoices?${bad}`, { role: 'accountant' }), 400, 'validation_failed');
  });

  it('gives an invoice with its lines as issued, payments oldest first, and credit notes', async () => {
    const { sku, customerId } = await seed(h, { stock: 20, unitPrice: 1250, taxRateBp: 2000 });
    const id = await order(customerId, [{ sku, quantity: 3 }]);
    await h.settle();
    const inv = await invoiceOf(id);
    const fresh = await read(`/invoices/${inv.id}`, 'accountant');
    expect(fresh).toMatchObject({ id: inv.id, customerName: expect.stringMatching(/^Customer /), overdue: false, payments: [], creditNotes: [] });
    expect(fresh.lines).toEqual([{ sku, name: expect.any(String), quantity: 3, unitPrice: 1250, taxRateBp: 2000, net: 3750, tax: 750, vatCategory: 'S' }]);
    // Both parties as issued: no company profile stored here, so no seller snapshot; no legal notes for S.
    expect(fresh).toMatchObject({ buyer: { id: expect.any(String), name: expect.stringMatching(/^Customer /) }, seller: null, notes: [] });

    await h.post('record-payment', { invoiceId: inv.id, amount: 1000, method: 'bank_transfer', reference: 'first' }, { role: 'accountant' });
    await h.post('record-payment', { invoiceId: inv.id, amount: 500, method: 'card' }, { role: 'accountant' });
    await h.settle();
    expect((await h.post('cancel-order', { id }, { role: 'clerk' })).status).toBe(200);
    await h.settle();

    const after = await read(`/invoices/${inv.id}`, 'accountant');
    expect(after.status).toBe('credited');
    expect(after.payments).toEqual([
      {
        id: expect.any(String),
        amount: 1000,
        method: 'bank_transfer',
        reference: 'first',
        receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
      },
      { id: expect.any(String), amount: 500, method: 'card', reference: null, receivedAt: expect.any(String) },
    ]);
    expect(after.payments[0].receivedAt <= after.payments[1].receivedAt).toBe(true);
    expect(after.creditNotes).toEqual([
      {
        id: expect.any(String),
        number: expect.stringMatching(/^CN-\d{4}-\d{6}$/),
        amount: 4500,
        reason: 'order cancelled',
        issuedAt: expect.any(String),
        // A cancel credits every line in full; it credits no return.
        subtotal: 3750,
        tax: 750,
        returnId: null,
        lines: [{ lineNo: 1, sku, name: expect.any(String), quantity: 3, unitPrice: 1250, taxRateBp: 2000, net: 3750, tax: 750, vatCategory: 'S' }],
      },
    ]);
    expect(after.overdue).toBe(false);
    expectError(await h.get('query', '/invoices/no-such-invoice', { role: 'accountant' }), 404, 'not_found');
  });
});
