import type { Pool } from '../db/pool.js';
import { filters, isoUtc, keysetPage } from './paging.js';

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
  return keysetPage<OrderItem>(db, { view: 'orders.order_view', columns }, f, q);
}
