import type { Pool, Tx } from '../db/pool.js';
import { reorderGroups, type ReorderCandidate, type ReorderGroup } from '../domain/reorder.js';

type CandidateRow = Omit<ReorderCandidate, 'supplier'> & { supplierId: string | null; supplierName: string | null; supplierCurrency: string | null };

/**
 * The reorder suggestions now (shared/domain/reorder.ts decides), all or one supplier's (`supplierId`;
 * null: the products without a preferred supplier). The read `GET query/reorder-suggestions` and the
 * command `receive-stock/reorder` (in its transaction) both call this, so the list shown and the draft
 * made from it follow one rule. Only products with a reorder level are read: the rule lists no other.
 */
export async function reorderSuggestions(db: Pool | Tx, supplierId?: string | null): Promise<ReorderGroup[]> {
  const { rows } = await db.query<CandidateRow>(
    `select v.sku, v.name, c.supplier_sku as "supplierSku", v.available, v.on_order as "onOrder", v.reorder_level as "reorderLevel",
            v.reorder_quantity as "reorderQuantity", l.last_unit_cost as "lastUnitCost", v.average_cost as "averageCost",
            v.preferred_supplier_id as "supplierId", s.name as "supplierName", s.currency as "supplierCurrency"
     from inventory.stock_view v
       join inventory.product_catalogue c using (sku)
       left join inventory.stock_levels l using (sku)
       left join inventory.supplier_directory s on s.id = v.preferred_supplier_id
     where v.reorder_level > 0 and ($1::boolean is false or v.preferred_supplier_id is not distinct from $2)`,
    [supplierId !== undefined, supplierId ?? null],
  );
  return reorderGroups(
    rows.map(({ supplierId: id, supplierName, supplierCurrency, ...candidate }) => ({
      ...candidate,
      supplier: id === null ? null : { id, name: supplierName!, currency: supplierCurrency! },
    })),
  );
}
