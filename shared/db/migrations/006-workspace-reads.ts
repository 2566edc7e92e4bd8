export const sql = `
-- A product's reorder level: the stock list flags it low when available falls to it or below.
alter table inventory.products add column reorder_level int not null default 0 check (reorder_level between 0 and 1000000);

-- Republished with the new column at the END: create or replace view may only append columns.
create or replace view inventory.product_catalogue as
  select sku, name, unit_price, currency, tax_rate_bp, created_at, updated_at, reorder_level from inventory.products;
create or replace view inventory.stock_view as
  select p.sku, p.name, coalesce(s.on_hand, 0) as on_hand, coalesce(s.reserved, 0) as reserved,
         coalesce(s.on_hand, 0) - coalesce(s.reserved, 0) as available, p.reorder_level
  from inventory.products p left join inventory.stock_levels s using (sku);

-- A sku's movements, newest first by id (the keyset of the movements read).
create index stock_movements_sku_id on inventory.stock_movements (sku, id);
create view inventory.movement_view as
  select id, sku, kind, on_hand_delta, reserved_delta, order_id, note, at from inventory.stock_movements;

-- An invoice's lines as issued, and its payments and credit notes, for the invoice read.
create or replace view billing.invoice_view as
  select id, number, order_id, customer_id, issue_date, due_date, currency, subtotal, tax, total, amount_paid, credited,
         total - amount_paid - credited as balance, status, created_at, lines
  from billing.invoices;
create index invoices_customer on billing.invoices (customer_id);
create view billing.payment_view as
  select id, invoice_id, amount, method, reference, received_at from billing.payments;
create view billing.credit_note_view as
  select id, number, invoice_id, amount, reason, issued_at from billing.credit_notes;
`;
