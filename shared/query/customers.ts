import type { Pool } from '../db/pool.js';
import { missingForEInvoice } from '../domain/e-invoice-readiness.js';
import type { PostalAddress } from '../domain/parties.js';
import { filters, isoUtc, keyPage, type SortKey } from './paging.js';
import { addSearch, type SearchListQuery } from './search.js';

// By name (the id settles two of the same name), paged on both.
const byName: SortKey<{ id: string; name: string }> = { columns: ['name', 'id'], of: (row) => [row.name, row.id] };

const partyColumns = (c: string) => `${c}address, ${c}vat_id as "vatId", ${c}language, ${c}currency`;

/** Each customer answered with what an e-invoice to it would lack (shared/domain/e-invoice-readiness.ts). */
const withReadiness = <T extends { address: PostalAddress | null }>(row: T) => ({ ...row, missingForEInvoice: missingForEInvoice(row) });

export async function listCustomers(db: Pool, q: SearchListQuery) {
  const f = filters();
  addSearch(f, q.q, 'id', 'name');
  const columns = `id, name, email, payment_terms_days as "paymentTermsDays", ${partyColumns('')}`;
  const page = await keyPage<{ id: string; name: string; address: PostalAddress | null }>(
    db,
    { view: 'orders.customer_directory', columns, key: byName },
    f,
    q,
  );
  return { ...page, items: page.items.map(withReadiness) };
}

/** One customer with what it owes: the balance of its payable invoices, per currency ([] when none). */
export async function getCustomer(db: Pool, id: string) {
  const { rows } = await db.query<{ address: PostalAddress | null }>(
    `select c.id, c.name, c.email, c.payment_terms_days as "paymentTermsDays", ${partyColumns('c.')}, ${isoUtc('c.created_at')} as "createdAt",
       ${isoUtc('c.updated_at')} as "updatedAt",
       (select coalesce(json_agg(json_build_object('currency', b.currency, 'balance', b.balance, 'invoices', b.invoices) order by b.currency), '[]')
          from (select currency, sum(balance)::bigint as balance, count(*)::int as invoices from billing.invoice_view
                where customer_id = c.id and status in ('open', 'partially_paid') group by currency) b) as "openBalances"
     from orders.customer_directory c where c.id = $1`,
    [id],
  );
  return rows[0] && withReadiness(rows[0]);
}
