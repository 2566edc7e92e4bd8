import { expect } from 'vitest';
import type { Harness } from '../support/harness.js';
import { seed } from '../support/fixtures.js';
import { publishPurchases } from './olap-purchase-events.js';

// The mixed stream olap-correctness.test.ts holds the projection to: orders, rejections, cancellations
// (before and after invoicing), partial and full payments, fulfilments, a return restocked and credited,
// purchases (olap-purchase-events.ts), a second currency, a rename, hires and moves. Driven through the
// functions' routes, so Postgres holds the truth the aggregates are compared with.

async function invoiceOf(h: Harness, orderId: string) {
  const res = await h.get('query', `/invoices?orderId=${orderId}`, { role: 'accountant' });
  return res.body.items[0] as { id: string; total: number } | undefined;
}

async function order(h: Harness, customerId: string, lines: { sku: string; quantity: number }[]) {
  const res = await h.post('create-order', { customerId, lines }, { role: 'clerk' });
  if (res.status !== 201) throw new Error(`create-order: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export async function driveMixedStream(h: Harness) {
  const a = await seed(h, { stock: 40, unitPrice: 1250, taxRateBp: 2000, terms: 0 });
  const b = await seed(h, { stock: 5, unitPrice: 999, taxRateBp: 700, terms: 14 });
  const c = await seed(h, { stock: 100, unitPrice: 30, taxRateBp: 0, terms: 30 });
  const d = await seed(h, { stock: 2, unitPrice: 5000, taxRateBp: 2000, terms: 60 });
  const customers = [a.customerId, b.customerId, c.customerId, d.customerId];
  // Goods at a cost: shipments of this product leave at the moving average cost.
  expect((await h.post('receive-stock', { sku: a.sku, quantity: 10, unitCost: 700 }, { role: 'clerk' })).status).toBe(200);
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    ids.push(await order(h, customers[i % 4]!, [{ sku: a.sku, quantity: 1 + (i % 3) }, ...(i % 2 ? [{ sku: c.sku, quantity: 5 + i }] : [])]));
  }
  ids.push(await order(h, b.customerId, [{ sku: b.sku, quantity: 4 }]));
  ids.push(await order(h, b.customerId, [{ sku: b.sku, quantity: 4 }])); // only 1 left: rejected
  ids.push(await order(h, d.customerId, [{ sku: d.sku, quantity: 3 }])); // more than on hand: rejected
  ids.push(
    await order(h, d.customerId, [
      { sku: d.sku, quantity: 2 },
      { sku: c.sku, quantity: 1 },
    ]),
  );
  await h.settle({ concurrent: true });

  // A cancel before any reaction saw the order, and cancels of invoiced and partly paid orders.
  const early = await order(h, c.customerId, [{ sku: c.sku, quantity: 3 }]);
  expect((await h.post('cancel-order', { id: early, reason: 'changed mind' }, { role: 'clerk' })).status).toBe(200);
  await h.settle();
  expect((await h.post('cancel-order', { id: ids[0] }, { role: 'clerk' })).status).toBe(200);
  const partlyPaid = (await invoiceOf(h, ids[1]!))!;
  await h.post('record-payment', { invoiceId: partlyPaid.id, amount: 100, method: 'card' }, { role: 'accountant' });
  await h.settle();
  expect((await h.post('cancel-order', { id: ids[1] }, { role: 'admin' })).status).toBe(200);

  // Payments: partial on some, full on others, in two steps on one.
  for (const [n, id] of ids.slice(2, 12).entries()) {
    const inv = await invoiceOf(h, id);
    if (!inv) continue;
    if (n % 3 === 0) await h.post('record-payment', { invoiceId: inv.id, amount: inv.total, method: 'bank_transfer' }, { role: 'accountant' });
    if (n % 3 === 1) await h.post('record-payment', { invoiceId: inv.id, amount: Math.floor(inv.total / 3), method: 'cash' }, { role: 'accountant' });
    if (n === 4) await h.post('record-payment', { invoiceId: inv.id, amount: inv.total - Math.floor(inv.total / 3), method: 'card' }, { role: 'accountant' });
  }
  await h.settle({ concurrent: true });
  // Fulfilments: paid, invoiced-unpaid and partly paid orders all ship.
  // Of the two orders competing for the last units of one sku, whichever won its reservation ships.
  const status = async (id: string) => (await h.get('query', `/orders/${id}`, { role: 'clerk' })).body.status as string;
  const winner = (await status(ids[12]!)) === 'rejected' ? ids[13] : ids[12];
  for (const id of [ids[2], ids[3], ids[4], winner, ids[15]]) {
    const res = await h.post('fulfil-order', { id }, { role: 'clerk' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  await h.post('receive-stock', { sku: b.sku, quantity: 7 }, { role: 'clerk' });
  await h.settle();

  // A shipped and paid order's unit comes back, restocked, and is credited.
  const ret = await h.call('fulfil-order', '/return', {
    role: 'clerk',
    body: { orderId: ids[2], lines: [{ lineNo: 1, quantity: 1, reason: 'damaged', disposition: 'restock' }] },
  });
  expect(ret.status, JSON.stringify(ret.body)).toBe(201);
  await h.settle();
  const note = await h.call('record-payment', '/credit-note', { role: 'accountant', body: { returnId: ret.body.id } });
  expect(note.status, JSON.stringify(note.body)).toBe(201);
  await h.settle();
  await publishPurchases(h, a.sku, c.sku);

  // A second currency: a dollar product and its order, invoiced and left open.
  const usd = `USD-${Math.random().toString(36).slice(2, 7)}`;
  expect((await h.post('upsert-product', { sku: usd, name: 'Umbrella', unitPrice: 2000, currency: 'USD', taxRateBp: 1000 }, { role: 'admin' })).status).toBe(
    200,
  );
  expect((await h.post('receive-stock', { sku: usd, quantity: 5 }, { role: 'clerk' })).status).toBe(200);
  ids.push(await order(h, c.customerId, [{ sku: usd, quantity: 2 }]));
  // A rename after the product sold: BI shows the new name (olap/catalogue/sales.ts, top_products).
  expect(
    (await h.post('upsert-product', { sku: a.sku, name: 'Renamed after it sold', unitPrice: 1250, currency: 'EUR', taxRateBp: 2000 }, { role: 'admin' }))
      .status,
  ).toBe(200);
  await h.settle();

  // HR: hires in three departments, a move, a raise, a termination.
  const hire = async (name: string, department: string, salary: number) =>
    (
      await h.post(
        'hire-employee',
        { name, email: `${name.toLowerCase()}@example.com`, department, title: 'Staff', salary, currency: 'EUR' },
        { role: 'admin' },
      )
    ).body.id as string;
  const e1 = await hire('Ada', 'Engineering', 520000);
  await hire('Bob', 'Engineering', 480000);
  const e3 = await hire('Cy', 'Sales', 350000);
  const e4 = await hire('Di', 'Ops', 300000);
  await hire('Eli', 'Sales', 330000);
  expect((await h.post('update-employee', { id: e3, department: 'Engineering', salary: 360000 }, { role: 'admin' })).status).toBe(200);
  expect((await h.post('update-employee', { id: e1, salary: 550000 }, { role: 'admin' })).status).toBe(200);
  expect((await h.post('terminate-employee', { id: e4 }, { role: 'admin' })).status).toBe(200);
  await h.settle();
  return ids;
}
