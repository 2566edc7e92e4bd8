import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth/roles.js';
import { createHarness, type Harness, type Reply } from '../support/harness.js';
import { seed } from '../support/fixtures.js';

// The reads the browser workspace uses (issue 10), against real Postgres and JetStream: every new
// filter and field, the searches with LIKE's own characters in them, and the 404s.

let h: Harness;
beforeAll(async () => {
  h = await createHarness('reads');
});
afterAll(async () => h?.close());

const tag = () => Math.random().toString(36).slice(2, 8);
const q = encodeURIComponent;

async function read(path: string, role: Role = 'clerk'): Promise<any> {
  const res = await h.get('query', path, { role });
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

function expectError(res: Reply, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ error: { code, message: expect.any(String) } });
}

async function product(body: Record<string, unknown>) {
  const res = await h.post('upsert-product', { name: 'Thing', unitPrice: 1000, currency: 'EUR', taxRateBp: 2000, ...body }, { role: 'admin' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function customer(name: string, terms = 30) {
  const res = await h.post('upsert-customer', { name, paymentTermsDays: terms }, { role: 'clerk' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.id as string;
}

async function order(customerId: string, lines: { sku: string; quantity: number }[]) {
  const res = await h.post('create-order', { customerId, lines }, { role: 'clerk' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function invoiceOf(orderId: string) {
  const body = await read(`/invoices?orderId=${orderId}`, 'accountant');
  return body.items[0] as { id: string; number: string; total: number; balance: number; overdue: boolean };
}

const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);

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
    const [late, soon, paid] = [await order(customerId, [{ sku, quantity: 1 }]), await order(customerId, [{ sku, quantity: 2 }]), await order(customerId, [{ sku, quantity: 3 }])];
    await h.settle();
    const [lateInv, soonInv, paidInv] = [await invoiceOf(late), await invoiceOf(soon), await invoiceOf(paid)];
    // Due today is not overdue; yesterday is. Time passing, simulated on the stored due dates.
    await h.db.pool.query(`update billing.invoices set due_date = (now() at time zone 'UTC')::date - 1 where id = any($1)`, [[lateInv.id, paidInv.id]]);
    expect((await h.post('record-payment', { invoiceId: paidInv.id, amount: paidInv.total, method: 'card' }, { role: 'accountant' })).status).toBe(201);

    const all = await read(`/invoices?customerId=${customerId}`, 'accountant');
    expect(all.items).toHaveLength(3);
    for (const item of all.items) expect(item.customerName).toBe(name);
    const overdueOf = new Map(all.items.map((i: { id: string; overdue: boolean }) => [i.id, i.overdue]));
    expect(Object.fromEntries([lateInv, soonInv, paidInv].map((i) => [i.id, overdueOf.get(i.id)]))).toEqual({ [lateInv.id]: true, [soonInv.id]: false, [paidInv.id]: false });
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

    for (const bad of ['overdue=yes', 'overdue=1', `q=${'y'.repeat(101)}`]) expectError(await h.get('query', `/invoices?${bad}`, { role: 'accountant' }), 400, 'validation_failed');
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
      { id: expect.any(String), amount: 1000, method: 'bank_transfer', reference: 'first', receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/) },
      { id: expect.any(String), amount: 500, method: 'card', reference: null, receivedAt: expect.any(String) },
    ]);
    expect(after.payments[0].receivedAt <= after.payments[1].receivedAt).toBe(true);
    expect(after.creditNotes).toEqual([{ id: expect.any(String), number: expect.stringMatching(/^CN-\d{4}-\d{6}$/), amount: 4500, reason: 'order cancelled', issuedAt: expect.any(String),
      // A cancel credits every line in full; it credits no return.
      subtotal: 3750, tax: 750, returnId: null, lines: [{ lineNo: 1, sku, name: expect.any(String), quantity: 3, unitPrice: 1250, taxRateBp: 2000, net: 3750, tax: 750, vatCategory: 'S' }] }]);
    expect(after.overdue).toBe(false);
    expectError(await h.get('query', '/invoices/no-such-invoice', { role: 'accountant' }), 404, 'not_found');
  });
});

describe('workspace reads: stock, movements, products', () => {
  it('flags low stock against the reorder level and searches sku prefix or name', async () => {
    const t = tag().toUpperCase();
    const sku = `LOW-${t}`;
    await product({ sku, name: `Widget 50%_off ${t}`, reorderLevel: 5 });
    await h.post('receive-stock', { sku, quantity: 10 }, { role: 'clerk' });
    const customerId = await customer(`Stocky ${t}`);
    const row = async () => (await read(`/stock?q=${q(sku.toLowerCase())}`)).items;
    expect(await row()).toEqual([{
      sku, name: `Widget 50%_off ${t}`, onHand: 10, reserved: 0, available: 10, reorderLevel: 5, low: false,
      // Received without a cost: stock at cost is worth nothing, nothing is on order (tests/integration/stock-valuation.test.ts values it).
      value: 0, averageCost: 0, currency: 'EUR', onOrder: 0, reorderQuantity: 0, preferredSupplierId: null,
    }]);

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
    expectError(await h.get('query', `/stock/${sku}/movements?cursor=${Buffer.from('[-1]').toString('base64url')}`, { role: 'clerk' }), 400, 'validation_failed');
    expectError(await h.get('query', `/stock/${sku}/movements?limit=201`, { role: 'clerk' }), 400, 'validation_failed');
  });

  it('keeps reorderLevel on an update without it; products list and record carry it', async () => {
    const sku = `RL-${tag().toUpperCase()}`;
    const created = await product({ sku, name: 'Reorder me' });
    expect(created).toMatchObject({ sku, reorderLevel: 0, created: true });
    expect(await product({ sku, name: 'Reorder me', reorderLevel: 7 })).toMatchObject({ reorderLevel: 7, created: false });
    const kept = await product({ sku, name: 'Reorder me, renamed', unitPrice: 1100 });
    expect(kept).toMatchObject({ reorderLevel: 7, unitPrice: 1100, created: false });
    expect(await read(`/products/${sku}`)).toEqual({ sku, name: 'Reorder me, renamed', unitPrice: 1100, currency: 'EUR', taxRateBp: 2000, reorderLevel: 7, vatExemptionReason: null, preferredSupplierId: null, supplierSku: null, reorderQuantity: 0 });
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

describe('workspace reads: customers and employees', () => {
  it('searches customers, and gives one with its open balances per currency', async () => {
    const t = tag();
    const eur = await seed(h, { stock: 10, unitPrice: 1000, taxRateBp: 0 });
    const usdSku = `USD-${t.toUpperCase()}`;
    await product({ sku: usdSku, unitPrice: 300, currency: 'USD', taxRateBp: 0 });
    await h.post('receive-stock', { sku: usdSku, quantity: 10 }, { role: 'clerk' });
    const res = await h.post('upsert-customer', { id: `cust-${t}`, name: `Owing_Co ${t}`, email: 'ap@example.com', paymentTermsDays: 14 }, { role: 'clerk' });
    const id = res.body.id as string;
    const idle = await customer(`Owingxco ${t}`);

    await order(id, [{ sku: eur.sku, quantity: 2 }]); // open: 2000
    const b = await order(id, [{ sku: eur.sku, quantity: 1 }]);
    await order(id, [{ sku: usdSku, quantity: 3 }]); // open: 900 USD
    const d = await order(id, [{ sku: eur.sku, quantity: 4 }]);
    await h.settle();
    const pay = async (orderId: string, amount: number) => h.post('record-payment', { invoiceId: (await invoiceOf(orderId)).id, amount, method: 'card' }, { role: 'accountant' });
    await pay(b, 400); // partly paid: 600 still open
    await pay(d, 4000); // paid: not open

    const one = await read(`/customers/${id}`);
    expect(one).toEqual({
      id, name: `Owing_Co ${t}`, email: 'ap@example.com', paymentTermsDays: 14, createdAt: expect.any(String), updatedAt: expect.any(String),
      address: null, vatId: null, language: null, currency: null,
      missingForEInvoice: ['address.lines', 'address.postalCode', 'address.city', 'address.country'],
      openBalances: [{ currency: 'EUR', balance: 2000 + 600, invoices: 2 }, { currency: 'USD', balance: 900, invoices: 1 }],
    });
    expect((await read(`/customers/${idle}`)).openBalances).toEqual([]);
    expectError(await h.get('query', '/customers/no-such-customer', { role: 'clerk' }), 404, 'not_found');

    expect(ids(await read(`/customers?q=${q(`owing_co ${t}`)}`))).toEqual([id]);
    expect(ids(await read(`/customers?q=${q(`g_co ${t}`)}`))).toEqual([id]); // not "gxco"
    expect(ids(await read(`/customers?q=${q(`CUST-${t}`)}`))).toEqual([id]);
    expect(ids(await read(`/customers?q=${q(`ust-${t}`)}`))).toEqual([]); // id: prefix only
    expect(ids(await read(`/customers?q=${q(t)}`)).sort()).toEqual([id, idle].sort());
    expect(await read(`/customers?q=${q(`owing_co ${t}`)}`)).toEqual({
      items: [{ id, name: `Owing_Co ${t}`, email: 'ap@example.com', paymentTermsDays: 14, address: null, vatId: null, language: null, currency: null, missingForEInvoice: one.missingForEInvoice }],
      nextCursor: null,
    });
    expectError(await h.get('query', '/customers?q=%00x', { role: 'clerk' }), 400, 'validation_failed');
  });

  it('gives one employee; salary and currency only for an admin', async () => {
    const hired = await h.post('hire-employee', { name: 'Solo', email: `solo.${tag()}@example.com`, department: 'Ops', title: 'Lead', salary: 412_345, currency: 'EUR' }, { role: 'admin' });
    expect(hired.status).toBe(201);
    const id = hired.body.id as string;
    expect(await read(`/employees/${id}`, 'admin')).toMatchObject({ id, name: 'Solo', department: 'Ops', salary: 412_345, currency: 'EUR', status: 'active' });
    for (const role of ['clerk', 'accountant'] as Role[]) {
      const other = await read(`/employees/${id}`, role);
      expect(other).toMatchObject({ id, name: 'Solo', title: 'Lead', status: 'active', terminatedAt: null });
      expect(other).not.toHaveProperty('salary');
      expect(other).not.toHaveProperty('currency');
      expect(JSON.stringify(other)).not.toContain('412345');
    }
    expectError(await h.get('query', '/employees/no-such-employee', { role: 'admin' }), 404, 'not_found');
    expectError(await h.get('query', `/employees/${id}`, { token: null }), 401, 'unauthenticated');
    expectError(await h.get('query', `/employees/${id}?salary=1`, { role: 'admin' }), 400, 'validation_failed');
  });
});

// Stock, products, customers and employees are paged as orders are (limit, cursor -> nextCursor), in
// their own order: sku; name, id; department, name, id. Walking the pages gives every row once, in the
// order one read of the whole view gives; CSV still streams every row.
describe('workspace reads: paging stock, products, customers, employees', () => {
  /** Every page of a list, `limit` rows at a time, checking each page's size. */
  async function walk(path: string, limit: number, role: Role = 'admin') {
    const sep = path.includes('?') ? '&' : '?';
    const items: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body: any = await read(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, role);
      expect(body.items.length).toBeLessThanOrEqual(limit);
      if (body.nextCursor) expect(body.items).toHaveLength(limit);
      items.push(...body.items);
      cursor = body.nextCursor;
      expect(++pages).toBeLessThan(500);
    } while (cursor);
    return items;
  }
  const keysOf = async (sql: string) => (await h.db.pool.query<{ k: string }>(sql)).rows.map((r) => r.k);

  it('pages each list in its own order, every row once, and says when there is no next page', async () => {
    const t = tag().toUpperCase();
    for (const letter of ['C', 'A', 'E', 'B', 'D']) await product({ sku: `PG-${t}-${letter}`, name: `Paged ${letter}` });
    // Two customers of one name: the id settles their order.
    for (const name of ['Pager B', 'Pager A', 'Pager B', 'Pager C']) await customer(`${name} ${t}`);
    for (const [department, name] of [['Zeta', 'Ann'], ['Alpha', 'Bob'], ['Alpha', 'Ann'], ['Alpha', 'Ann']]) {
      const res = await h.post('hire-employee', { name, email: `${tag()}@example.com`, department: `${department} ${t}`, title: 'Clerk', salary: 200_000, currency: 'EUR' }, { role: 'admin' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }

    const skus = (await walk(`/products?q=${q(`pg-${t}`)}`, 2)).map((p) => p.sku);
    expect(skus).toEqual(['A', 'B', 'C', 'D', 'E'].map((l) => `PG-${t}-${l}`));
    expect((await walk(`/stock?q=${q(`pg-${t}`)}`, 3)).map((s) => s.sku)).toEqual(skus);
    const pagers = await walk(`/customers?q=${q(t)}`, 1);
    expect(pagers.map((c) => c.name)).toEqual([`Pager A ${t}`, `Pager B ${t}`, `Pager B ${t}`, `Pager C ${t}`]);
    expect(pagers.map((c) => c.id)).toEqual(await keysOf(`select id as k from orders.customer_directory where name like 'Pager _ ${t}' order by name, id`));
    const first = await read(`/customers?q=${q(t)}&limit=4`);
    expect(first.nextCursor).toBeNull(); // exactly the rows there are: no empty page after them

    // The whole lists, each once and in the order Postgres sorts the views.
    expect((await walk('/products', 3)).map((p) => p.sku)).toEqual(await keysOf('select sku as k from inventory.product_catalogue order by sku'));
    expect((await walk('/stock', 4)).map((s) => s.sku)).toEqual(await keysOf('select sku as k from inventory.stock_view order by sku'));
    expect((await walk('/customers', 2, 'clerk')).map((c) => c.id)).toEqual(await keysOf('select id as k from orders.customer_directory order by name, id'));
    const staff = await walk('/employees', 2);
    expect(staff.map((e) => e.id)).toEqual(await keysOf('select id as k from hr.employee_directory order by department, name, id'));
    expect(staff.filter((e) => e.department.endsWith(t)).map((e) => `${e.department.split(' ')[0]} ${e.name}`)).toEqual(['Alpha Ann', 'Alpha Ann', 'Alpha Bob', 'Zeta Ann']);
    expect(staff.every((e) => e.salary !== undefined)).toBe(true);
    // Filters and the role's fields hold on every page.
    const clerkSees = await walk(`/employees?department=${q(`Alpha ${t}`)}&status=active`, 1, 'clerk');
    expect(clerkSees.map((e) => e.name)).toEqual(['Ann', 'Ann', 'Bob']);
    for (const e of clerkSees) expect(e).not.toHaveProperty('salary');
  });

  it('gives 50 rows by default, at most 200, and CSV every row whatever the limit', async () => {
    const t = tag();
    await h.db.pool.query(
      `insert into orders.customers (id, name, payment_terms_days) select 'bulk-' || $1 || '-' || lpad(n::text, 3, '0'), 'Bulk ' || $1 || ' ' || lpad(n::text, 3, '0'), 30
       from generate_series(1, 230) n`,
      [t],
    );
    const page = await read(`/customers?q=${q(`bulk ${t}`)}`);
    expect(page.items).toHaveLength(50);
    expect(page.items[49].name).toBe(`Bulk ${t} 050`);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect((await read(`/customers?q=${q(`bulk ${t}`)}&limit=200`)).items).toHaveLength(200);
    expect(await walk(`/customers?q=${q(`bulk ${t}`)}`, 200)).toHaveLength(230);
    for (const path of ['/stock', '/products', '/customers', '/employees']) {
      expectError(await h.get('query', `${path}?limit=201`, { role: 'admin' }), 400, 'validation_failed');
      expectError(await h.get('query', `${path}?limit=0`, { role: 'admin' }), 400, 'validation_failed');
    }

    const csv = await h.get('query', `/customers?q=${q(`bulk ${t}`)}&limit=1`, { role: 'clerk', headers: { accept: 'text/csv' } });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.raw.toString('utf8').trim().split('\r\n');
    expect(lines).toHaveLength(1 + 230);
    expect(lines[230]).toMatch(new RegExp(`^bulk-${t}-230,Bulk ${t} 230,`));
  });

  it('refuses a cursor it did not give out with 400', async () => {
    const b64 = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const bad: [string, string][] = [
      ['/customers', 'bm90LWEtY3Vyc29y'], // not JSON
      ['/customers', b64(['only the name'])], // a key of the wrong length
      ['/customers', b64(['Bob', 7])],
      ['/customers', b64(['Bob\u0000', 'x'])], // a NUL: Postgres would refuse it (a 500)
      ['/products', b64(['A', 'B'])],
      ['/stock', b64({ sku: 'A' })],
      ['/employees', b64(['Ops', 'Ann'])],
      ['/products', 'x'.repeat(2001)],
    ];
    for (const [path, cursor] of bad) expectError(await h.get('query', `${path}?cursor=${cursor}`, { role: 'admin' }), 400, 'validation_failed');
    // A cursor is the last row's key, not a row: it still pages after that row is gone.
    const next = await keysOf(`select sku as k from inventory.product_catalogue where sku > 'no-such-sku' order by sku limit 1`);
    expect((await read(`/products?cursor=${b64(['no-such-sku'])}&limit=1`)).items.map((p: { sku: string }) => p.sku)).toEqual(next);
  });
});
