import type { Pool } from '../db/pool.js';
import { decodeCursor, filters, isoUtc, page } from './paging.js';

const columns = `id, status, customer_id as "customerId", lines, subtotal, tax, total, currency, invoice_id as "invoiceId",
  amount_paid as "amountPaid", ${isoUtc('created_at')} as "createdAt", ${isoUtc('updated_at')} as "updatedAt"`;

interface OrderItem {
  id: string;
  createdAt: string;
}

export async function getOrder(db: Pool, id: string) {
  const { rows } = await db.query<OrderItem>(`select ${columns} from orders.order_view where id = $1`, [id]);
  return rows[0];
}

export async function listOrders(db: Pool, q: { status?: string | undefined; customerId?: string | undefined; limit: number; cursor?: string | undefined }) {
  const f = filters();
  f.add((p) => `status = ${p}`, q.status);
  f.add((p) => `customer_id = ${p}`, q.customerId);
  const after = decodeCursor(q.cursor);
  if (after) f.add((p) => `(created_at, id) < (${p}::timestamptz, ${f.param(after.id)})`, after.at);
  const { rows } = await db.query<OrderItem>(
    `select ${columns} from orders.order_view ${f.where()} order by created_at desc, id desc limit ${f.param(q.limit + 1)}`,
    f.params,
  );
  return page(rows, q.limit);
}
