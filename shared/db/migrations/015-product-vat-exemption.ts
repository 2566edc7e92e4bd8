// A product may be exempt from VAT (Article 132 and following, Council Directive 2006/112/EC): its
// reason is what an order's line carries as BT-120 with category E (shared/domain/vat-category.ts).
// Null: not exempt. An exempt product charges nothing, so its rate is 0 (checked here as well as in
// upsert-product, so no other writer can store a contradiction).
export const sql = `
alter table inventory.products add column vat_exemption_reason text
  check (vat_exemption_reason is null or (length(vat_exemption_reason) between 1 and 500 and tax_rate_bp = 0));

-- Republished with the new column at the END: create or replace view may only append columns.
create or replace view inventory.product_catalogue as
  select sku, name, unit_price, currency, tax_rate_bp, created_at, updated_at, reorder_level, vat_exemption_reason from inventory.products;
`;
