export const sql = `
create schema inventory;
create table inventory.products (
  sku text primary key,
  name text not null,
  unit_price bigint not null check (unit_price >= 0),
  currency char(3) not null,
  tax_rate_bp int not null default 0 check (tax_rate_bp between 0 and 10000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- Counters kept in step with stock_movements in the same transaction; the checks make overselling impossible.
create table inventory.stock_levels (
  sku text primary key references inventory.products (sku),
  on_hand bigint not null default 0 check (on_hand >= 0),
  reserved bigint not null default 0 check (reserved >= 0),
  check (reserved <= on_hand)
);
create table inventory.stock_movements (
  id bigserial primary key,
  sku text not null references inventory.products (sku),
  kind text not null check (kind in ('receipt', 'reservation', 'release', 'shipment')),
  on_hand_delta bigint not null,
  reserved_delta bigint not null,
  order_id text,
  note text,
  at timestamptz not null default now()
);
create index stock_movements_sku on inventory.stock_movements (sku);
-- One row per order inventory has seen; 'cancelled' is a tombstone for a cancel that overtook its order.
create table inventory.order_reservations (
  order_id text primary key,
  status text not null check (status in ('reserved', 'failed', 'released', 'fulfilled', 'cancelled')),
  lines jsonb not null default '[]',
  updated_at timestamptz not null default now()
);

-- Published views: other domains read inventory only through these.
create view inventory.product_catalogue as
  select sku, name, unit_price, currency, tax_rate_bp, created_at, updated_at from inventory.products;
create view inventory.stock_view as
  select p.sku, p.name, coalesce(s.on_hand, 0) as on_hand, coalesce(s.reserved, 0) as reserved,
         coalesce(s.on_hand, 0) - coalesce(s.reserved, 0) as available
  from inventory.products p left join inventory.stock_levels s using (sku);
`;
