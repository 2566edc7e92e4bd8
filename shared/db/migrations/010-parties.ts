// What an EN 16931 invoice needs of its parties (issue 19).
// - Customers: a billing address (jsonb, shared/schemas/parties.ts postalAddress), a VAT id, a language
//   and a currency preference; all nullable, since a B2C sale needs none and older customers have none.
// - The seller: billing.company_profile, one row (id = 1), edited on the Company screen; empty on an
//   install from before, whose documents then take the configured profile (shared/documents/company.ts).
// - Invoices freeze the seller as issued (seller jsonb; null: issued before, or while no profile was
//   stored), as buyer (migration 007) freezes the buyer, now with its address and VAT id.
// The views are republished with the new columns at the END (create or replace view only appends).
// Grants: 009-roles is re-run after every migrate and its default privileges cover the new table.
export const sql = `
alter table orders.customers
  add column address jsonb,
  add column vat_id text,
  add column language text check (language ~ '^[a-z]{2}$'),
  add column currency char(3) check (currency ~ '^[A-Z]{3}$');
create or replace view orders.customer_directory as
  select id, name, email, payment_terms_days, created_at, updated_at, address, vat_id, language, currency from orders.customers;

create table billing.company_profile (
  id int primary key default 1 check (id = 1),
  profile jsonb not null,
  updated_at timestamptz not null default now(),
  updated_by text
);

alter table billing.invoices add column seller jsonb;
create or replace view billing.invoice_view as
  select id, number, order_id, customer_id, issue_date, due_date, currency, subtotal, tax, total, amount_paid, credited,
         total - amount_paid - credited as balance, status, created_at, lines, buyer, seller
  from billing.invoices;

-- Each order line's EN 16931 VAT category (shared/domain/vat-category.ts); null on lines from before.
alter table orders.order_lines
  add column vat_category text check (vat_category in ('S', 'Z', 'E', 'AE', 'G')),
  add column exemption_reason text;
create or replace view orders.order_view as
  select o.id, o.status, o.customer_id, o.currency, o.subtotal, o.tax, o.total, o.invoice_id, o.amount_paid,
         o.created_at, o.updated_at,
         (select coalesce(json_agg(json_strip_nulls(json_build_object('sku', l.sku, 'name', l.name, 'quantity', l.quantity,
                 'unitPrice', l.unit_price, 'taxRateBp', l.tax_rate_bp, 'net', l.net, 'tax', l.tax,
                 'vatCategory', l.vat_category, 'exemptionReason', l.exemption_reason)) order by l.line_no), '[]')
            from orders.order_lines l where l.order_id = o.id) as lines
  from orders.orders o;
`;
