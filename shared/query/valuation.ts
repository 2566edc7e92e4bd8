import type { Pool } from '../db/pool.js';

export interface ValuationItem {
  sku: string;
  name: string;
  currency: string;
  onHand: number;
  value: number;
}

/**
 * Stock at cost as it stood at an instant (inclusive): per sku, the sum of its movements' quantity and
 * value up to then, never a stored counter, so any past date reads as it was booked (docs/ledger.md,
 * "Inventory at cost"); totals per currency, never added across currencies. Skus with nothing on hand
 * and no value then are left out.
 */
export async function stockValuation(db: Pool, q: { at?: string | undefined }, now = new Date()) {
  const at = q.at ? new Date(q.at) : now;
  const { rows } = await db.query<ValuationItem>(
    `select p.sku, p.name, p.currency, sum(m.on_hand_delta)::bigint as "onHand", sum(m.value_delta)::bigint as value
     from inventory.movement_view m join inventory.product_catalogue p using (sku)
     where m.at <= $1
     group by p.sku, p.name, p.currency
     having sum(m.on_hand_delta) <> 0 or sum(m.value_delta) <> 0
     order by p.sku`,
    [at],
  );
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.currency, (totals.get(r.currency) ?? 0) + r.value);
  return {
    at: at.toISOString(),
    items: rows,
    totals: [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([currency, value]) => ({ currency, value })),
  };
}
