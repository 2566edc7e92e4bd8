export const sql = `
create schema orders;
create table orders.customers (
  id text primary key,
  name text not null,
  email text,
  payment_terms_days int not null check (payment_terms_days between 0 and 365),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create table orders.orders (
  id text primary key,
  customer_id text not null references orders.customers (id),
  status text not null check (status in ('pending', 'reserved', 'invoiced', 'partially_paid', 'paid', 'fulfilled', 'rejected', 'cancelled')),
  currency char(3) not null,
  subtotal bigint not null,
  tax bigint not null,
  total bigint not null,
  invoice_id text,
  amount_paid bigint not null default 0,
  reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index orders_created on orders.orders (created_at, id);
create index orders_status on orders.orders (status);
create index orders_customer on orders.orders (customer_id);
-- Prices, names and tax rates are snapshotted on the line: a later catalogue change never alters an order.
create table orders.order_lines (
  order_id text not null references orders.orders (id),
  line_no int not null,
  sku text not null,
  name text not null,
  quantity int not null check (quantity > 0),
  unit_price bigint not null,
  tax_rate_bp int not null,
  net bigint not null,
  tax bigint not null,
  primary key (order_id, line_no)
);
create table orders.status_history (
  order_id text not null references orders.orders (id),
  status text not null,
  at timestamptz not null default now(),
  cause text
);
create index status_history_order on orders.status_history (order_id);

create view orders.customer_directory as
  select id, name, email, payment_terms_days, created_at, updated_at from orders.customers;
create view orders.order_view as
  select o.id, o.status, o.customer_id, o.currency, o.subtotal, o.tax, o.total, o.invoice_id, o.amount_paid,
         o.created_at, o.updated_at,
         (select coalesce(json_agg(json_build_object('sku', l.sku, 'name', l.name, 'quantity', l.quantity,
                 'unitPrice', l.unit_price, 'taxRateBp', l.tax_rate_bp, 'net', l.net, 'tax', l.tax) order by l.line_no), '[]')
            from orders.order_lines l where l.order_id = o.id) as lines
  from orders.orders o;
`;
