import type { Pool } from '../db/pool.js';
import { filters, isoUtc, keyPage, type SortKey } from './paging.js';
import { addSearch, type SearchListQuery } from './search.js';

// Suppliers, read like customers: by name (the id settles two of the same name), paged on both.
const byName: SortKey<{ id: string; name: string }> = { columns: ['name', 'id'], of: (row) => [row.name, row.id] };

const columns = `id, name, address, vat_id as "vatId", payment_terms_days as "paymentTermsDays", currency, email,
  ${isoUtc('created_at')} as "createdAt", ${isoUtc('updated_at')} as "updatedAt"`;

export async function listSuppliers(db: Pool, q: SearchListQuery) {
  const f = filters();
  addSearch(f, q.q, 'id', 'name');
  return keyPage<{ id: string; name: string }>(db, { view: 'inventory.supplier_directory', columns, key: byName }, f, q);
}

export async function getSupplier(db: Pool, id: string) {
  const { rows } = await db.query(`select ${columns} from inventory.supplier_directory where id = $1`, [id]);
  return rows[0];
}
