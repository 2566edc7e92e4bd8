import type { UnitOfWork } from '../unit-of-work.js';

export interface ProductInput {
  sku: string;
  name: string;
  unitPrice: number;
  currency: string;
  taxRateBp?: number | undefined;
}

export async function upsertProduct(uow: UnitOfWork, input: ProductInput) {
  const taxRateBp = input.taxRateBp ?? 0;
  const { rows } = await uow.tx.query<{ created: boolean }>(
    `insert into inventory.products (sku, name, unit_price, currency, tax_rate_bp) values ($1, $2, $3, $4, $5)
     on conflict (sku) do update set name = excluded.name, unit_price = excluded.unit_price, currency = excluded.currency,
       tax_rate_bp = excluded.tax_rate_bp, updated_at = now()
     returning (xmax = 0) as created`,
    [input.sku, input.name, input.unitPrice, input.currency, taxRateBp],
  );
  await uow.tx.query('insert into inventory.stock_levels (sku) values ($1) on conflict do nothing', [input.sku]);
  const product = { sku: input.sku, name: input.name, unitPrice: input.unitPrice, currency: input.currency, taxRateBp };
  uow.emit({ type: 'product_upserted', aggregateType: 'product', aggregateId: input.sku, data: product });
  return { ...product, created: rows[0]?.created ?? false };
}
