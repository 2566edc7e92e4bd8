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
}

export async function upsertProduct(uow: UnitOfWork, input: ProductInput) {
  await refuseCurrencyChangeOfValuedStock(uow.tx, input.sku, input.currency);
  const taxRateBp = input.taxRateBp ?? 0;
  const vatExemptionReason = input.vatExemptionReason ?? null;
  // reorder_level: 0 on create when not given, the stored value on update when not given.
  const { rows } = await uow.tx.query<{ created: boolean; reorder_level: number }>(
    `insert into inventory.products (sku, name, unit_price, currency, tax_rate_bp, reorder_level, vat_exemption_reason) values ($1, $2, $3, $4, $5, coalesce($6::int, 0), $7)
     on conflict (sku) do update set name = excluded.name, unit_price = excluded.unit_price, currency = excluded.currency,
       tax_rate_bp = excluded.tax_rate_bp, reorder_level = coalesce($6::int, inventory.products.reorder_level),
       vat_exemption_reason = excluded.vat_exemption_reason, updated_at = now()
     returning (xmax = 0) as created, reorder_level`,
    [input.sku, input.name, input.unitPrice, input.currency, taxRateBp, input.reorderLevel ?? null, vatExemptionReason],
  );
  const stored = rows[0]!;
  await uow.tx.query('insert into inventory.stock_levels (sku) values ($1) on conflict do nothing', [input.sku]);
  const product = {
    sku: input.sku, name: input.name, unitPrice: input.unitPrice, currency: input.currency, taxRateBp, reorderLevel: stored.reorder_level,
    ...(vatExemptionReason ? { vatExemptionReason } : {}),
  };
  uow.emit('product_upserted', product);
  return { ...product, created: stored.created };
}
