export const sql = `
create schema billing;
-- Gapless numbering: the counter row is bumped in the invoice's own transaction.
create table billing.number_counters (
  series text not null,
  year int not null,
  last_number int not null,
  primary key (series, year)
);
create table billing.invoices (
  id text primary key,
  number text not null unique,
  order_id text not null unique,
  customer_id text not null,
  issue_date date not null,
  due_date date not null,
  currency char(3) not null,
  subtotal bigint not null,
  tax bigint not null,
  total bigint not null check (total >= 0),
  amount_paid bigint not null default 0 check (amount_paid >= 0),
  credited bigint not null default 0 check (credited >= 0),
  status text not null check (status in ('open', 'partially_paid', 'paid', 'credited')),
  lines jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (amount_paid <= total)
);
create index invoices_created on billing.invoices (created_at, id);
create table billing.payments (
  id text primary key,
  invoice_id text not null references billing.invoices (id),
  amount bigint not null check (amount > 0),
  method text not null,
  reference text,
  received_at timestamptz not null default now()
);
create index payments_invoice on billing.payments (invoice_id);
create table billing.credit_notes (
  id text primary key,
  number text not null unique,
  invoice_id text not null unique references billing.invoices (id),
  amount bigint not null check (amount >= 0),
  reason text,
  issued_at timestamptz not null default now()
);
-- Double entry: every posting is one row per account; a posting's debits equal its credits.
create table billing.ledger_entries (
  id bigserial primary key,
  posting_id text not null,
  account text not null,
  debit bigint not null default 0 check (debit >= 0),
  credit bigint not null default 0 check (credit >= 0),
  currency char(3) not null,
  at timestamptz not null default now()
);
create index ledger_posting on billing.ledger_entries (posting_id);
-- Orders billing saw cancelled before their stock_reserved arrived: no invoice for them.
create table billing.cancelled_orders (
  order_id text primary key,
  at timestamptz not null default now()
);

create view billing.invoice_view as
  select id, number, order_id, customer_id, issue_date, due_date, currency, subtotal, tax, total, amount_paid, credited,
         total - amount_paid - credited as balance, status, created_at
  from billing.invoices;
`;
