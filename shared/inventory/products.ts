import { AppError } from '../errors.js';
import type { Tx } from '../db/pool.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { refuseCurrencyChangeOfValuedStock } from './stock-currency.js';

export interface ProductInput {
  sku: string;
  name: string;
  unitPrice: number;
  currency: string;
  taxRateBp?: number | undefined;
  reorderLevel?: number | undefined;
  /** Set: exempt from VAT for this reason (the rate is then 0; functions/upsert-product/schema.ts checks it). */
  vatExemptionReason?: string | undefined;
  /** Buying: undefined keeps the stored value (none on create), null clears it. */
  preferredSupplierId?: string | null | undefined;
  supplierSku?: string | null | undefined;
  /** undefined keeps the stored value (0 on create). */
  reorderQuantity?: number | undefined;
}

export async function upsertProduct(uow: UnitOfWork, input: ProductInput) {
  await refuseCurrencyChangeOfValuedStock(uow.tx, input.sku, input.currency);
  const taxRateBp = input.taxRateBp ?? 0;
  const vatExemptionReason = input.vatExemptionReason ?? null;
  if (input.preferredSupplierId) await lockSupplier(uow.tx, input.preferredSupplierId);
  // reorder_level, reorder_quantity: 0 on create when not given, the stored value on update when not given.
  // preferred_supplier_id, supplier_sku: likewise kept when not given ($8, $10 false), set (or cleared by null) when given.
  const { rows } = await uow.tx.query<{
    created: boolean;
    reorder_level: number;
    preferred_supplier_id: string | null;
    supplier_sku: string | null;
    reorder_quantity: number;
  }>(
    `insert into inventory.products (sku, name, unit_price, currency, tax_rate_bp, reorder_level, vat_exemption_reason, preferred_supplier_id, supplier_sku, reorder_quantity)
     values ($1, $2, $3, $4, $5, coalesce($6::int, 0), $7, $9, $11, coalesce($12::int, 0))
     on conflict (sku) do update set name = excluded.name, unit_price = excluded.unit_price, currency = excluded.currency,
       tax_rate_bp = excluded.tax_rate_bp, reorder_level = coalesce($6::int, inventory.products.reorder_level),
       vat_exemption_reason = excluded.vat_exemption_reason,
       preferred_supplier_id = case when $8::boolean then excluded.preferred_supplier_id else inventory.products.preferred_supplier_id end,
       supplier_sku = case when $10::boolean then excluded.supplier_sku else inventory.products.supplier_sku end,
       reorder_quantity = coalesce($12::int, inventory.products.reorder_quantity), updated_at = now()
     returning (xmax = 0) as created, reorder_level, preferred_supplier_id, supplier_sku, reorder_quantity`,
    [
      input.sku,
      input.name,
      input.unitPrice,
      input.currency,
      taxRateBp,
      input.reorderLevel ?? null,
      vatExemptionReason,
      input.preferredSupplierId !== undefined,
      input.preferredSupplierId ?? null,
      input.supplierSku !== undefined,
      input.supplierSku ?? null,
      input.reorderQuantity ?? null,
    ],
  );
  const stored = rows[0]!;
  // The supplier kept from before as much as a new one: its purchase orders are in its currency, and a
  // product goes on one only when priced in it (no exchange rates), so another currency could never be bought.
  if (stored.preferred_supplier_id) await sameCurrency(uow.tx, stored.preferred_supplier_id, input.currency);
  await uow.tx.query('insert into inventory.stock_levels (sku) values ($1) on conflict do nothing', [input.sku]);
  const buying = { preferredSupplierId: stored.preferred_supplier_id, supplierSku: stored.supplier_sku, reorderQuantity: stored.reorder_quantity };
  const product = {
    sku: input.sku,
    name: input.name,
    unitPrice: input.unitPrice,
    currency: input.currency,
    taxRateBp,
    reorderLevel: stored.reorder_level,
    ...(vatExemptionReason ? { vatExemptionReason } : {}),
  };
  // The event leaves out what is not set (its fields are optional, for events from before them); the answer says null.
  uow.emit('product_upserted', {
    ...product,
    reorderQuantity: buying.reorderQuantity,
    ...(buying.preferredSupplierId ? { preferredSupplierId: buying.preferredSupplierId } : {}),
    ...(buying.supplierSku ? { supplierSku: buying.supplierSku } : {}),
  });
  return { ...product, ...buying, created: stored.created };
}

/** The supplier's row, share-locked so its currency cannot change under this product (shared/inventory/suppliers.ts). */
async function lockSupplier(tx: Tx, supplierId: string) {
  const { rowCount } = await tx.query('select 1 from inventory.suppliers where id = $1 for share', [supplierId]);
  if (!rowCount) throw new AppError('unknown_supplier', `no supplier ${supplierId}`, { supplierId, path: 'preferredSupplierId' });
}

async function sameCurrency(tx: Tx, supplierId: string, currency: string) {
  const { rows } = await tx.query<{ currency: string }>('select currency from inventory.suppliers where id = $1 for share', [supplierId]);
  const supplierCurrency = rows[0]!.currency;
  if (supplierCurrency !== currency) {
    throw new AppError('currency_mismatch', `the preferred supplier bills in ${supplierCurrency}; the product is priced in ${currency}`, {
      path: 'preferredSupplierId',
      supplierId,
      supplierCurrency,
      currency,
    });
  }
}
