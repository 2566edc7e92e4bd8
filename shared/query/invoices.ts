import type { Pool } from '../db/pool.js';
import { filters, isoUtc, keysetPage } from './paging.js';

const columns = `id, number, order_id as "orderId", customer_id as "customerId", issue_date as "issueDate", due_date as "dueDate",
  currency, subtotal, tax, total, amount_paid as "amountPaid", credited, balance, status, ${isoUtc('created_at')} as "createdAt"`;

interface InvoiceItem {
  id: string;
  createdAt: string;
}

export async function getInvoice(db: Pool, id: string) {
  const { rows } = await db.query<InvoiceItem>(`select ${columns} from billing.invoice_view where id = $1`, [id]);
  return rows[0];
}

export async function listInvoices(
  db: Pool,
  q: { orderId?: string | undefined; status?: string | undefined; customerId?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const f = filters();
  f.add((p) => `order_id = ${p}`, q.orderId);
  f.add((p) => `status = ${p}`, q.status);
  f.add((p) => `customer_id = ${p}`, q.customerId);
  return keysetPage<InvoiceItem>(db, { view: 'billing.invoice_view', columns }, f, q);
}
