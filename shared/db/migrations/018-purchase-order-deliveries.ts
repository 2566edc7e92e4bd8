// Purchase orders e-mailed to their suppliers (shared/billing/deliveries.ts): a delivery belongs to an
// invoice (its invoice, credit notes and reminders, listed on the invoice) or to a purchase order,
// exactly one of the two. Rows before this all have an invoice.
export const sql = `
alter table billing.document_deliveries
  alter column invoice_id drop not null,
  add column purchase_order_id text references inventory.purchase_orders (id),
  add constraint document_deliveries_one_owner check ((invoice_id is null) <> (purchase_order_id is null));
create index document_deliveries_purchase_order on billing.document_deliveries (purchase_order_id, requested_at, id) where purchase_order_id is not null;
`;
