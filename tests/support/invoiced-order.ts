import { expect } from 'vitest';
import type { Box } from './box.js';
import { waitFor } from './wait.js';

/** A call that must succeed; the answer's body is the failure message. */
export const ok = (r: { status: number; body: unknown }) => expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);

/**
 * Through the box's API, as the admin, the clerk and the accountant would: a product (12.50 EUR, 20 %)
 * with 5 in stock, a customer, an order of 2, and the invoice it turns into by itself (as the list has it).
 */
export async function invoicedOrder(
  box: Box,
  { sku, customerName, email, paymentTermsDays }: { sku: string; customerName: string; email: string; paymentTermsDays: number },
) {
  ok(await box.api('/function/upsert-product', { role: 'admin', body: { sku, name: 'Mug', unitPrice: 1250, currency: 'EUR', taxRateBp: 2000 } }));
  ok(await box.api('/function/receive-stock', { role: 'clerk', body: { sku, quantity: 5 } }));
  const customer = await box.api('/function/upsert-customer', { role: 'clerk', body: { name: customerName, email, paymentTermsDays } });
  ok(customer);
  const order = await box.api('/function/create-order', { role: 'clerk', body: { customerId: customer.body.id, lines: [{ sku, quantity: 2 }] } });
  ok(order);
  return waitFor(async () => (await box.api(`/function/query/invoices?orderId=${order.body.id}`, { role: 'accountant' })).body.items?.[0], {
    timeoutMs: 30_000,
    what: 'the invoice',
  });
}
