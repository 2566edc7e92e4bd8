import { expect } from 'vitest';
import type { SupplierInput } from '../../shared/schemas/supplier.js';
import type { Harness } from '../support/harness.js';

// What purchase-orders.test.ts's checks share: the purchase order commands as the clerk sends them,
// suppliers and products made through the functions, and what the commands wrote, read back from
// Postgres. `harness` and `eurSupplier` give the test file's harness and EUR supplier once made.

export const clerk = { role: 'clerk' as const };

export function purchaseHelpers(harness: () => Harness, eurSupplier: () => string) {
  const cmd = (path: string, body: unknown, headers: Record<string, string> = {}) => harness().call('receive-stock', path, { ...clerk, body, headers });
  const create = (body: unknown, headers?: Record<string, string>) => cmd('/purchase-order', body, headers);
  const send = (purchaseOrderId: string) => cmd('/purchase-order/send', { purchaseOrderId });
  const receive = (body: unknown, headers?: Record<string, string>) => cmd('/purchase-order/receive', body, headers);
  const cancel = (purchaseOrderId: string, reason?: string) => cmd('/purchase-order/cancel', { purchaseOrderId, ...(reason ? { reason } : {}) });

  async function q<T>(sql: string, values: unknown[] = []): Promise<T[]> {
    return (await harness().db.pool.query(sql, values)).rows as T[];
  }
  const stock = async (sku: string) =>
    (
      await q<{ on_hand: number; value: number; on_order: number; average_cost: number | null }>(
        'select on_hand::int, value::bigint, on_order::int, average_cost from inventory.stock_view where sku = $1',
        [sku],
      )
    )[0]!;
  /** The ledger's balance of an account (debit - credit) over the stock postings of this purchase order. */
  const booked = async (account: string, purchaseOrderId: string) =>
    (
      await q<{ b: number }>(
        `select coalesce(sum(e.debit - e.credit), 0)::bigint as b from billing.ledger_entries e
       join inventory.stock_movements m on e.posting_id = 'stock:' || m.id where e.account = $1 and m.purchase_order_id = $2`,
        [account, purchaseOrderId],
      )
    )[0]!.b;
  /** Every row a purchase order command may write: nothing of it may change on a refusal. */
  const written = async () =>
    (
      await q<{ n: string }>(`select (select count(*) from inventory.purchase_orders) || '/' || (select count(*) from inventory.purchase_order_lines) || '/'
        || (select coalesce(sum(received), 0) from inventory.purchase_order_lines) || '/' || (select count(*) from inventory.goods_receipts) || '/'
        || (select count(*) from inventory.stock_movements) || '/' || (select count(*) from billing.ledger_entries) || '/' || (select count(*) from platform.outbox)
        || '/' || (select string_agg(status, ',' order by id) from inventory.purchase_orders) as n`)
    )[0]!.n;

  async function supplier(input: SupplierInput) {
    const res = await harness().call('upsert-product', '/supplier', { role: 'admin', body: input });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { supplierId: string; name: string };
  }

  async function product(sku: string, currency: string, buying: Record<string, unknown> = {}) {
    const res = await harness().post(
      'upsert-product',
      { sku, name: `Product ${sku}`, unitPrice: 1000, currency, taxRateBp: 2000, ...buying },
      { role: 'admin' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }

  /** A sent purchase order of `lines` to the EUR supplier. */
  async function sentOrder(lines: { sku: string; quantity: number; unitCost: number }[]) {
    const created = await create({ supplierId: eurSupplier(), lines });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const sent = await send(created.body.id);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    return sent.body as { id: string; number: string; status: string };
  }

  return { cmd, create, send, receive, cancel, q, stock, booked, written, supplier, product, sentOrder };
}
