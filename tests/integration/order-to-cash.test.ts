import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { seed } from '../support/fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness('otc');
});
afterAll(async () => h?.close());

describe('order to cash against real Postgres and JetStream', () => {
  it('reserves, invoices with a gapless number and due date, takes payment, marks the order paid', async () => {
    const { sku, customerId } = await seed(h, { stock: 10, unitPrice: 1250, taxRateBp: 2000, terms: 14 });
    const created = await h.post('create-order', { customerId, lines: [{ sku, quantity: 3 }] }, { role: 'clerk' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', subtotal: 3750, tax: 750, total: 4500, currency: 'EUR' });

    await h.settle();
    const order = await h.get('query', `/orders/${created.body.id}`, { role: 'clerk' });
    expect(order.body.status).toBe('invoiced');
    const invoices = await h.get('query', `/invoices?orderId=${created.body.id}`, { role: 'accountant' });
    const invoice = invoices.body.items[0];
    const year = new Date().getUTCFullYear();
    expect(invoice.number).toBe(`INV-${year}-000001`);
    const due = new Date(Date.parse(invoice.issueDate) + 14 * 86_400_000).toISOString().slice(0, 10);
    expect(invoice.dueDate).toBe(due);
    expect(invoice).toMatchObject({ total: 4500, balance: 4500, status: 'open' });

    const stock = await h.get('query', '/stock', { role: 'clerk' });
    expect(stock.body.items.find((s: { sku: string }) => s.sku === sku)).toMatchObject({ onHand: 10, reserved: 3, available: 7 });

    const part = await h.post('record-payment', { invoiceId: invoice.id, amount: 1500, method: 'bank_transfer' }, { role: 'accountant' });
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({ invoiceStatus: 'partially_paid', balance: 3000 });
    await h.settle();
    expect((await h.get('query', `/orders/${created.body.id}`, { role: 'clerk' })).body).toMatchObject({ status: 'partially_paid', amountPaid: 1500 });

    const rest = await h.post('record-payment', { invoiceId: invoice.id, amount: 3000, method: 'card' }, { role: 'admin' });
    expect(rest.body).toMatchObject({ invoiceStatus: 'paid', balance: 0 });
    await h.settle();
    expect((await h.get('query', `/orders/${created.body.id}`, { role: 'clerk' })).body).toMatchObject({
      status: 'paid',
      amountPaid: 4500,
      invoiceId: invoice.id,
    });

    const fulfilled = await h.post('fulfil-order', { id: created.body.id }, { role: 'clerk' });
    expect(fulfilled.status).toBe(200);
    await h.settle();
    const after = await h.get('query', '/stock', { role: 'clerk' });
    expect(after.body.items.find((s: { sku: string }) => s.sku === sku)).toMatchObject({ onHand: 7, reserved: 0, available: 7 });
  });

  it('pages orders newest first with a cursor, each exactly once, and refuses a forged cursor', async () => {
    const { sku, customerId } = await seed(h, { stock: 50 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await h.post('create-order', { customerId, lines: [{ sku, quantity: 1 }] }, { role: 'clerk' })).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pageNo = 0; pageNo < 10; pageNo++) {
      const q: string = `/orders?customerId=${customerId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await h.get('query', q, { role: 'clerk' });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((o: { id: string }) => o.id));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([...ids].reverse());
    const forged = await h.get('query', '/orders?cursor=bm90LWEtY3Vyc29y', { role: 'clerk' });
    expect(forged.status).toBe(400);
    expect((await h.get('query', '/orders?limit=0', { role: 'clerk' })).status).toBe(400);
  });
});
