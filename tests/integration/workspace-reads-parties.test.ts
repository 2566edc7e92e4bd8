import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth/roles.js';
import { createHarness, type Harness } from '../support/harness.js';
import { seed } from '../support/fixtures.js';
import { tag, q, expectError, ids, readsOn } from './workspace-reads-support.js';

// The workspace's reads of customers and employees (issue 10), against real Postgres and JetStream:
// searches, a customer's open balances per currency, and salaries for an admin only.

let h: Harness;
beforeAll(async () => {
  h = await createHarness('readsparty');
});
afterAll(async () => h?.close());

const { read, product, customer, order, invoiceOf } = readsOn(() => h);

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
    const pay = async (orderId: string, amount: number) =>
      h.post('record-payment', { invoiceId: (await invoiceOf(orderId)).id, amount, method: 'card' }, { role: 'accountant' });
    await pay(b, 400); // partly paid: 600 still open
    await pay(d, 4000); // paid: not open

    const one = await read(`/customers/${id}`);
    expect(one).toEqual({
      id,
      name: `Owing_Co ${t}`,
      email: 'ap@example.com',
      paymentTermsDays: 14,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      address: null,
      vatId: null,
      language: null,
      currency: null,
      missingForEInvoice: ['address.lines', 'address.postalCode', 'address.city', 'address.country'],
      openBalances: [
        { currency: 'EUR', balance: 2000 + 600, invoices: 2 },
        { currency: 'USD', balance: 900, invoices: 1 },
      ],
    });
    expect((await read(`/customers/${idle}`)).openBalances).toEqual([]);
    expectError(await h.get('query', '/customers/no-such-customer', { role: 'clerk' }), 404, 'not_found');

    expect(ids(await read(`/customers?q=${q(`owing_co ${t}`)}`))).toEqual([id]);
    expect(ids(await read(`/customers?q=${q(`g_co ${t}`)}`))).toEqual([id]); // not "gxco"
    expect(ids(await read(`/customers?q=${q(`CUST-${t}`)}`))).toEqual([id]);
    expect(ids(await read(`/customers?q=${q(`ust-${t}`)}`))).toEqual([]); // id: prefix only
    expect(ids(await read(`/customers?q=${q(t)}`)).sort()).toEqual([id, idle].sort());
    expect(await read(`/customers?q=${q(`owing_co ${t}`)}`)).toEqual({
      items: [
        {
          id,
          name: `Owing_Co ${t}`,
          email: 'ap@example.com',
          paymentTermsDays: 14,
          address: null,
          vatId: null,
          language: null,
          currency: null,
          missingForEInvoice: one.missingForEInvoice,
        },
      ],
      nextCursor: null,
    });
    expectError(await h.get('query', '/customers?q=%00x', { role: 'clerk' }), 400, 'validation_failed');
  });

  it('gives one employee; salary and currency only for an admin', async () => {
    const hired = await h.post(
      'hire-employee',
      { name: 'Solo', email: `solo.${tag()}@example.com`, department: 'Ops', title: 'Lead', salary: 412_345, currency: 'EUR' },
      { role: 'admin' },
    );
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
