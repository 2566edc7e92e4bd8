import type { Harness } from './harness.js';

let n = 0;

/** A product with stock on hand and a customer, through the commands themselves. */
export async function seed(h: Harness, opts: { stock?: number; unitPrice?: number; taxRateBp?: number; terms?: number } = {}) {
  n += 1;
  const sku = `SKU-${n}-${Math.random().toString(36).slice(2, 7)}`;
  const product = await h.post(
    'upsert-product',
    { sku, name: `Product ${n}`, unitPrice: opts.unitPrice ?? 1250, currency: 'EUR', taxRateBp: opts.taxRateBp ?? 2000 },
    { role: 'admin' },
  );
  if (product.status !== 200) throw new Error(`upsert-product: ${JSON.stringify(product.body)}`);
  if (opts.stock !== 0) {
    const stock = await h.post('receive-stock', { sku, quantity: opts.stock ?? 10 }, { role: 'clerk' });
    if (stock.status !== 200) throw new Error(`receive-stock: ${JSON.stringify(stock.body)}`);
  }
  const customer = await h.post('upsert-customer', { name: `Customer ${n}`, paymentTermsDays: opts.terms ?? 30 }, { role: 'clerk' });
  if (customer.status !== 200) throw new Error(`upsert-customer: ${JSON.stringify(customer.body)}`);
  return { sku, customerId: customer.body.id as string };
}

export async function counts(h: Harness) {
  const { rows } = await h.db.pool.query<{
    orders: number;
    invoices: number;
    payments: number;
    outbox: number;
    movements: number;
    customers: number;
    products: number;
  }>(`
    select (select count(*) from orders.orders)::int as orders, (select count(*) from billing.invoices)::int as invoices,
           (select count(*) from billing.payments)::int as payments, (select count(*) from platform.outbox)::int as outbox,
           (select count(*) from inventory.stock_movements)::int as movements, (select count(*) from orders.customers)::int as customers,
           (select count(*) from inventory.products)::int as products`);
  return rows[0]!;
}
