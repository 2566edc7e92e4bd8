import type { Pool } from '../db/pool.js';
import { filters, isoUtc, keyPage, type SortKey } from './paging.js';
import { addSearch, type SearchListQuery } from './search.js';

// By name (the id settles two of the same name), paged on both.
const byName: SortKey<{ id: string; name: string }> = { columns: ['name', 'id'], of: (row) => [row.name, row.id] };

export async function listCustomers(db: Pool, q: SearchListQuery) {
  const f = filters();
  addSearch(f, q.q, 'id', 'name');
  const columns = `id, name, email, payment_terms_days as "paymentTermsDays"`;
  return keyPage(db, { view: 'orders.customer_directory', columns, key: byName }, f, q);
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
