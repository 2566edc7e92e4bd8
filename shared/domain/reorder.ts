// Reorder suggestions (docs/rules.md, "Suppliers and reordering"): which products to buy again, how
// many, and from whom. Pure: shared/inventory/reorder.ts reads the rows, the query function serves the
// groups and receive-stock/reorder turns one group into a draft purchase order, all through this rule.

/** A product as the rule needs it: its stock, what is on order, its levels and its preferred supplier. */
export interface ReorderCandidate {
  sku: string;
  name: string;
  supplierSku: string | null;
  available: number;
  /** Ordered and not yet received on purchase orders still open (draft, sent, partially received). */
  onOrder: number;
  reorderLevel: number;
  reorderQuantity: number;
  /** The unit cost of the last receipt, null before any. */
  lastUnitCost: number | null;
  /** Value on hand / on hand, null with nothing on hand. */
  averageCost: number | null;
  supplier: { id: string; name: string; currency: string } | null;
}

/** A product due, as a purchase order line would take it: its figures, how many to order and at what cost. */
export type ReorderLine = Pick<ReorderCandidate, 'sku' | 'name' | 'supplierSku' | 'available' | 'onOrder' | 'reorderLevel' | 'reorderQuantity'> & {
  suggested: number;
  unitCost: number | null;
};

export interface ReorderGroup {
  /** null: products with no preferred supplier (listed last). */
  supplierId: string | null;
  supplierName: string | null;
  /** The supplier's currency (its purchase orders are in it); null for the group without a supplier. */
  currency: string | null;
  lines: ReorderLine[];
}

/**
 * How many to order, or 0 when the product is not due: due when it has a reorder level and what it will
 * have (available plus on order) is at or under it; then enough to get back above the level, and at
 * least the reorder quantity (a supplier's pack or a sensible batch).
 */
export function suggestedQuantity(p: Pick<ReorderCandidate, 'available' | 'onOrder' | 'reorderLevel' | 'reorderQuantity'>): number {
  const expected = p.available + p.onOrder;
  if (p.reorderLevel <= 0 || expected > p.reorderLevel) return 0;
  return Math.max(p.reorderQuantity, p.reorderLevel - expected + 1);
}

/** What a line is expected to cost: the last price paid, else what the stock on hand cost on average, else unknown. */
export const expectedUnitCost = (p: Pick<ReorderCandidate, 'lastUnitCost' | 'averageCost'>): number | null => p.lastUnitCost ?? p.averageCost ?? null;

/** The products due, grouped by preferred supplier (by name, then id; the group without one last), lines by sku. */
export function reorderGroups(candidates: readonly ReorderCandidate[]): ReorderGroup[] {
  const groups = new Map<string | null, ReorderGroup>();
  for (const c of candidates) {
    const suggested = suggestedQuantity(c);
    if (suggested === 0) continue;
    const key = c.supplier?.id ?? null;
    let group = groups.get(key);
    if (!group) {
      group = { supplierId: key, supplierName: c.supplier?.name ?? null, currency: c.supplier?.currency ?? null, lines: [] };
      groups.set(key, group);
    }
    group.lines.push({
      sku: c.sku,
      name: c.name,
      supplierSku: c.supplierSku,
      available: c.available,
      onOrder: c.onOrder,
      reorderLevel: c.reorderLevel,
      reorderQuantity: c.reorderQuantity,
      suggested,
      unitCost: expectedUnitCost(c),
    });
  }
  for (const g of groups.values()) g.lines.sort((a, b) => compare(a.sku, b.sku));
  return [...groups.values()].sort(
    (a, b) =>
      Number(a.supplierId === null) - Number(b.supplierId === null) ||
      compare(a.supplierName ?? '', b.supplierName ?? '') ||
      compare(a.supplierId ?? '', b.supplierId ?? ''),
  );
}

// UTF-16 code unit order: the same on every machine, whatever its locale.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
