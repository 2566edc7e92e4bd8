import { AppError } from '../errors.js';
import type { Tx } from '../db/pool.js';

/**
 * Stock is valued and booked in its product's currency (erpbi keeps no exchange rates), so once a
 * movement has given the stock a value, the product's currency is fixed: a change would leave the ledger's
 * Inventory (1300) in one currency and the stock's value in another, and revalue the past. The level row is
 * locked (as every movement locks it), so no valued movement slips in between this check and the update.
 */
export async function refuseCurrencyChangeOfValuedStock(tx: Tx, sku: string, currency: string): Promise<void> {
  const { rows } = await tx.query<{ currency: string; valued: boolean }>(
    `select p.currency, exists (select 1 from inventory.stock_movements m where m.sku = p.sku and m.value_delta <> 0) as valued
     from inventory.products p join inventory.stock_levels s using (sku) where p.sku = $1 for update of s`,
    [sku],
  );
  const stored = rows[0];
  if (stored && stored.valued && stored.currency !== currency) {
    throw new AppError('currency_mismatch', `${sku} has stock valued in ${stored.currency}; its currency cannot change to ${currency}`, {
      sku,
      currency: stored.currency,
      path: 'currency',
    });
  }
}
