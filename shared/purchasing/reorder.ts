import { AppError } from '../errors.js';
import type { Tx } from '../db/pool.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { createPurchaseOrder, findSupplier } from './create.js';

/** What the reorder rule suggests for one supplier (shared/inventory/reorder.ts, reorderSuggestions): its groups' lines. */
export type ReorderSuggestions = (
  tx: Tx,
  supplierId: string,
) => Promise<readonly { lines: readonly { sku: string; suggested: number; unitCost: number | null }[] }[]>;

/**
 * One action turns a supplier's reorder suggestions into a draft purchase order (docs/rules.md, "Purchase
 * orders"). The supplier's row is locked first, so a second reorder at the same moment waits, then counts
 * the first's draft as on order and finds nothing left to order. A line with no known cost (never received,
 * nothing on hand) is drafted at 0, for the buyer to settle with the supplier before sending.
 */
export async function reorderFromSuggestions(uow: UnitOfWork, input: { supplierId: string }, suggestions: ReorderSuggestions) {
  const supplier = await findSupplier(uow, input.supplierId, true);
  const lines = (await suggestions(uow.tx, supplier.id)).flatMap((g) => g.lines).filter((l) => l.suggested > 0);
  if (lines.length === 0)
    throw new AppError('nothing_to_reorder', `no product of supplier ${supplier.name} is at or under its reorder level`, {
      supplierId: supplier.id,
      path: 'supplierId',
    });
  return createPurchaseOrder(
    uow,
    { supplierId: supplier.id, lines: lines.map((l) => ({ sku: l.sku, quantity: l.suggested, unitCost: l.unitCost ?? 0 })) },
    supplier,
  );
}
