// Buying and stock control (docs/rules.md, "Purchase orders"; docs/ledger.md, "Inventory at cost"):
// suppliers, purchase orders and the goods received against them, stock valued at moving weighted
// average cost, adjustments and counts.
//
// Value is kept beside quantity in stock_levels and on every movement, in the product's currency:
// the level's value is the sum of its movements' value_delta, and a level with nothing on hand is
// worth nothing (the last unit out takes what is left: shared/domain/stock-cost.ts). Each movement
// that changes value is booked to the ledger in the same transaction (posting `stock:<movement id>`).
export const sql = `
create table inventory.suppliers (
  id text primary key,
  name text not null check (length(name) between 1 and 200),
  -- { lines: [1-3], postalCode, city, country } as shared/schemas/parties.ts checks it; null until given
  address jsonb,
  vat_id text,
  payment_terms_days int not null default 30 check (payment_terms_days between 0 and 365),
  currency char(3) not null,
  email text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

alter table inventory.products
  add column preferred_supplier_id text references inventory.suppliers (id),
  add column supplier_sku text check (supplier_sku is null or length(supplier_sku) between 1 and 100),
  add column reorder_quantity int not null default 0 check (reorder_quantity between 0 and 1000000);

alter table inventory.stock_levels
  add column value bigint not null default 0 check (value >= 0),
  -- The unit cost of the last receipt: what a positive adjustment of an empty shelf is valued at.
  add column last_unit_cost bigint check (last_unit_cost >= 0),
  add constraint stock_levels_empty_is_worthless check (on_hand > 0 or value = 0);

alter table inventory.stock_movements drop constraint stock_movements_kind_check;
alter table inventory.stock_movements
  add constraint stock_movements_kind_check check (kind in ('receipt', 'reservation', 'release', 'shipment', 'return', 'adjustment')),
  add column value_delta bigint not null default 0,
  add column purchase_order_id text,
  add column receipt_id text,
  -- adjustments: count, damage, theft, correction; receipts: purchase_order, unordered, opening (an import's opening stock)
  add column reason text check (reason is null or reason in ('count', 'damage', 'theft', 'correction', 'purchase_order', 'unordered', 'opening')),
  add column actor text;
create index stock_movements_at on inventory.stock_movements (at);

create sequence inventory.purchase_order_number;
create table inventory.purchase_orders (
  id text primary key,
  -- PO-000001: a purchase order number is not a tax document's, so a cancelled draft may leave a gap
  number text not null unique,
  supplier_id text not null references inventory.suppliers (id),
  status text not null check (status in ('draft', 'sent', 'partially_received', 'received', 'cancelled')),
  currency char(3) not null,
  note text,
  created_by text not null,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  updated_at timestamptz not null default now()
);
create index purchase_orders_supplier on inventory.purchase_orders (supplier_id);
create index purchase_orders_status on inventory.purchase_orders (status, created_at);
create table inventory.purchase_order_lines (
  purchase_order_id text not null references inventory.purchase_orders (id),
  line_no int not null check (line_no > 0),
  sku text not null references inventory.products (sku),
  supplier_sku text,
  quantity bigint not null check (quantity > 0),
  unit_cost bigint not null check (unit_cost >= 0),
  -- Never above what was ordered: the receipt checks it under the order's row lock, this is the wall behind it.
  received bigint not null default 0 check (received >= 0 and received <= quantity),
  primary key (purchase_order_id, line_no),
  unique (purchase_order_id, sku)
);
-- stock_view's on_order (and the reorder suggestions that read it) sums each product's open lines.
create index purchase_order_lines_sku on inventory.purchase_order_lines (sku);
create table inventory.goods_receipts (
  id text primary key,
  purchase_order_id text references inventory.purchase_orders (id),
  -- [{ lineNo | null, sku, quantity, unitCost, value }]
  lines jsonb not null,
  note text,
  actor text not null,
  received_at timestamptz not null default now()
);
create index goods_receipts_po on inventory.goods_receipts (purchase_order_id);
create table inventory.stock_counts (
  id text primary key,
  -- [{ sku, counted, onHandBefore, difference, valueDelta }]
  lines jsonb not null,
  note text,
  actor text not null,
  counted_at timestamptz not null default now()
);

-- Published views. Columns appended at the END (create or replace view may only append).
create or replace view inventory.product_catalogue as
  select sku, name, unit_price, currency, tax_rate_bp, created_at, updated_at, reorder_level, vat_exemption_reason,
         preferred_supplier_id, supplier_sku, reorder_quantity from inventory.products;
create or replace view inventory.stock_view as
  select p.sku, p.name, coalesce(s.on_hand, 0) as on_hand, coalesce(s.reserved, 0) as reserved,
         coalesce(s.on_hand, 0) - coalesce(s.reserved, 0) as available, p.reorder_level,
         coalesce(s.value, 0) as value, p.currency,
         case when coalesce(s.on_hand, 0) > 0 then round(s.value::numeric / s.on_hand)::bigint end as average_cost,
         coalesce((select sum(l.quantity - l.received) from inventory.purchase_order_lines l join inventory.purchase_orders o on o.id = l.purchase_order_id
                   where l.sku = p.sku and o.status in ('draft', 'sent', 'partially_received')), 0)::bigint as on_order,
         p.reorder_quantity, p.preferred_supplier_id
  from inventory.products p left join inventory.stock_levels s using (sku);
create view inventory.supplier_directory as
  select id, name, address, vat_id, payment_terms_days, currency, email, created_at, updated_at from inventory.suppliers;
create view inventory.purchase_order_view as
  select o.id, o.number, o.supplier_id, s.name as supplier_name, o.status, o.currency, o.note, o.created_by, o.created_at, o.sent_at, o.updated_at,
         (select coalesce(sum(l.quantity * l.unit_cost), 0) from inventory.purchase_order_lines l where l.purchase_order_id = o.id)::bigint as total,
         (select coalesce(jsonb_agg(jsonb_build_object('lineNo', l.line_no, 'sku', l.sku, 'name', p.name, 'supplierSku', l.supplier_sku,
                   'quantity', l.quantity, 'unitCost', l.unit_cost, 'received', l.received) order by l.line_no), '[]')
            from inventory.purchase_order_lines l join inventory.products p using (sku) where l.purchase_order_id = o.id) as lines
  from inventory.purchase_orders o join inventory.suppliers s on s.id = o.supplier_id;
`;
