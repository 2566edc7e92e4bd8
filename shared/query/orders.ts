import type { Pool } from '../db/pool.js';
import { filters, isoUtc, keysetPage } from './paging.js';
import { addSearch } from './search.js';

const columns = `id, status, customer_id as "customerId", customer_name as "customerName", lines, subtotal, tax, total, currency,
  invoice_id as "invoiceId", amount_paid as "amountPaid", ${isoUtc('created_at')} as "createdAt", ${isoUtc('updated_at')} as "updatedAt"`;

// Orders with their customer's name, composed here from the published views (one subquery, so the
// keyset's unqualified created_at and id still name the order's).
const withCustomer = `(select o.*, c.name as customer_name from orders.order_view o
  left join orders.customer_directory c on c.id = o.customer_id) o`;
// The invoice number is joined on the order's own invoice_id: null exactly while invoiceId is.
const withInvoice = `(select o.*, c.name as customer_name, i.number as invoice_number from orders.order_view o
  left join orders.customer_directory c on c.id = o.customer_id left join billing.invoice_view i on i.id = o.invoice_id) o`;

interface OrderItem {
  id: string;
  createdAt: string;
}

export interface OrderListQuery {
  status?: string | undefined;
  customerId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export async function getOrder(db: Pool, id: string) {
  // Its returns, oldest first, so a screen knows what of each line (by lineNo, 1-based in the order of `lines`) is still returnable.
  const returns = `(select coalesce(json_agg(json_build_object('id', t.id, 'returnedAt', ${isoUtc('t.returned_at')}, 'lines', t.lines) order by t.returned_at, t.id), '[]')
    from orders.return_view t where t.order_id = o.id) as returns`;
  const { rows } = await db.query<OrderItem>(`select ${columns}, invoice_number as "invoiceNumber", ${returns} from ${withInvoice} where id = $1`, [id]);
  return rows[0];
}

export async function listOrders(db: Pool, q: OrderListQuery) {
  const f = filters();
  f.add((p) => `status = ${p}`, q.status);
  f.add((p) => `customer_id = ${p}`, q.customerId);
  // UTC days, both ends inclusive: [from 00:00, the day after `to` 00:00), so created_at's index serves it.
  f.add((p) => `created_at >= ${p}::date::timestamp at time zone 'UTC'`, q.from);
  f.add((p) => `created_at < (${p}::date + 1)::timestamp at time zone 'UTC'`, q.to);
  // Any part of the id: the screens show an order by its last characters.
  addSearch(f, q.q, null, 'id', 'customer_name');
  return keysetPage<OrderItem>(db, { view: withCustomer, columns }, f, q);
}
