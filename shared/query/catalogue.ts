import type { Pool } from '../db/pool.js';
import { filters } from './paging.js';
import { addSearch } from './search.js';

const stockColumns = `sku, name, on_hand as "onHand", reserved, available, reorder_level as "reorderLevel",
  available <= reorder_level as low`;
const productColumns = `sku, name, unit_price as "unitPrice", currency, tax_rate_bp as "taxRateBp", reorder_level as "reorderLevel"`;

export async function listStock(db: Pool, q: { q?: string | undefined }) {
  const f = filters();
  addSearch(f, q.q, 'sku', 'name');
  const { rows } = await db.query(`select ${stockColumns} from inventory.stock_view ${f.where()} order by sku`, f.params);
  return { items: rows };
}

export async function listProducts(db: Pool, q: { q?: string | undefined }) {
  const f = filters();
  addSearch(f, q.q, 'sku', 'name');
  const { rows } = await db.query(`select ${productColumns} from inventory.product_catalogue ${f.where()} order by sku`, f.params);
  return { items: rows };
}

export async function getProduct(db: Pool, sku: string) {
  const { rows } = await db.query(`select ${productColumns} from inventory.product_catalogue where sku = $1`, [sku]);
  return rows[0];
}
