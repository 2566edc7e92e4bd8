import type { Pool } from '../db/pool.js';
import { filters, keyPage, type SortKey } from './paging.js';
import { addSearch, type SearchListQuery } from './search.js';

// value and averageCost at cost in the product's currency (shared/domain/stock-cost.ts); averageCost is
// null with nothing on hand. onOrder: ordered from suppliers and not yet received (open purchase orders).
const stockColumns = `sku, name, on_hand as "onHand", reserved, available, reorder_level as "reorderLevel",
  available <= reorder_level as low, value, average_cost as "averageCost", currency, on_order as "onOrder",
  reorder_quantity as "reorderQuantity", preferred_supplier_id as "preferredSupplierId"`;
const productColumns = `sku, name, unit_price as "unitPrice", currency, tax_rate_bp as "taxRateBp", reorder_level as "reorderLevel",
  vat_exemption_reason as "vatExemptionReason", preferred_supplier_id as "preferredSupplierId", supplier_sku as "supplierSku",
  reorder_quantity as "reorderQuantity"`;

// Both lists by sku, paged on it: a catalogue may hold thousands of products.
const bySku: SortKey<{ sku: string }> = { columns: ['sku'], of: (row) => [row.sku] };

export async function listStock(db: Pool, q: SearchListQuery) {
  const f = filters();
  addSearch(f, q.q, 'sku', 'name');
  return keyPage(db, { view: 'inventory.stock_view', columns: stockColumns, key: bySku }, f, q);
}

export async function listProducts(db: Pool, q: SearchListQuery) {
  const f = filters();
  addSearch(f, q.q, 'sku', 'name');
  return keyPage(db, { view: 'inventory.product_catalogue', columns: productColumns, key: bySku }, f, q);
}

export async function getProduct(db: Pool, sku: string) {
  const { rows } = await db.query(`select ${productColumns} from inventory.product_catalogue where sku = $1`, [sku]);
  return rows[0];
}
