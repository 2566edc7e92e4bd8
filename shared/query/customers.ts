import type { Pool } from '../db/pool.js';
import { filters, isoUtc } from './paging.js';
import { addSearch } from './search.js';

export async function listCustomers(db: Pool, q: { q?: string | undefined }) {
  const f = filters();
  addSearch(f, q.q, 'id', 'name');
  const { rows } = await db.query(
    `select id, name, email, payment_terms_days as "paymentTermsDays" from orders.customer_directory ${f.where()} order by name, id`,
    f.params,
  );
  return { items: rows };
}

/** One customer with what it owes: the balance of its payable invoices, per currency ([] when none). */
export async function getCustomer(db: Pool, id: string) {
  const { rows } = await db.query(
    `select c.id, c.name, c.email, c.payment_terms_days as "paymentTermsDays", ${isoUtc('c.created_at')} as "createdAt",
       ${isoUtc('c.updated_at')} as "updatedAt",
       (select coalesce(json_agg(json_build_object('currency', b.currency, 'balance', b.balance, 'invoices', b.invoices) order by b.currency), '[]')
          from (select currency, sum(balance)::bigint as balance, count(*)::int as invoices from billing.invoice_view
                where customer_id = c.id and status in ('open', 'partially_paid') group by currency) b) as "openBalances"
     from orders.customer_directory c where c.id = $1`,
    [id],
  );
  return rows[0];
}
