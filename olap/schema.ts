// The DuckDB store: fact tables the fold keeps current, and the stream high-water mark. Aggregates are
// named queries over these tables (olap/queries.ts); DuckDB scans them faster than we could keep
// pre-aggregated tables right under out-of-order events.
export const schemaSql = `
create table if not exists watermark (
  id integer primary key,
  seq bigint not null,
  event_time timestamp,
  applied_at timestamp not null
);
create table if not exists orders (
  order_id varchar primary key,
  customer_id varchar,
  customer_name varchar,
  currency varchar,
  subtotal bigint,
  tax bigint,
  total bigint,
  created_at timestamp,
  status varchar not null,
  status_rank integer not null,
  amount_paid bigint not null,
  invoice_id varchar,
  updated_at timestamp not null,
  last_seq bigint not null
);
create table if not exists order_lines (
  order_id varchar not null,
  line_no integer not null,
  sku varchar not null,
  name varchar not null,
  quantity integer not null,
  net bigint not null,
  tax bigint not null,
  primary key (order_id, line_no)
);
create table if not exists invoices (
  invoice_id varchar primary key,
  number varchar,
  order_id varchar,
  customer_id varchar,
  customer_name varchar,
  issue_date date,
  due_date date,
  currency varchar,
  total bigint,
  amount_paid bigint not null,
  credited bigint not null,
  paid_at timestamp
);
create table if not exists payments (
  payment_id varchar primary key,
  invoice_id varchar not null,
  order_id varchar not null,
  currency varchar not null,
  amount bigint not null,
  received_at timestamp not null
);
create table if not exists stock (
  sku varchar primary key,
  name varchar,
  name_seq bigint not null,
  on_hand bigint not null,
  reserved bigint not null,
  version bigint not null
);
create table if not exists employees (
  employee_id varchar primary key,
  name varchar not null,
  department varchar not null,
  title varchar not null,
  salary bigint not null,
  currency varchar not null,
  status varchar not null,
  seq bigint not null,
  -- hr.employees.version of the snapshot (0 for events from before it was carried)
  version bigint not null default 0
);
-- Files made before the version was carried: their rows rank as version 0, below every versioned snapshot.
alter table employees add column if not exists version bigint default 0;
-- Every event naming an order, as published (data is the JSON text of its data), for order_timeline.
-- One row per (order, stream sequence): what a redelivery or a rebuild writes is the same row.
create table if not exists order_events (
  order_id varchar not null,
  seq bigint not null,
  event_id varchar not null,
  type varchar not null,
  occurred_at varchar not null,
  actor varchar not null,
  causation_id varchar,
  correlation_id varchar not null,
  data varchar not null,
  primary key (order_id, seq)
);
-- Buying and margin (issue 20): facts kept as they come, aggregated by the named queries of
-- olap/buying-queries.ts. Each row is written once per event (insert or ignore), so a redelivery or a
-- rebuild writes the same rows; values absent on events from before 016 are null and left out.
-- Every movement of stock with its value after it (stock_changed): COGS, and inventory value over time.
create table if not exists stock_movements (
  sku varchar not null,
  movement_id bigint not null,
  kind varchar not null,
  movement_reason varchar,
  order_id varchar,
  purchase_order_id varchar,
  on_hand bigint not null,
  value bigint,
  value_delta bigint,
  currency varchar,
  occurred_at timestamp not null,
  primary key (sku, movement_id)
);
-- Invoice lines as issued (revenue net of tax, at the invoice's issue date in invoices).
create table if not exists invoice_lines (
  invoice_id varchar not null,
  line_no integer not null,
  sku varchar not null,
  name varchar not null,
  quantity integer not null,
  unit_price bigint not null,
  net bigint not null,
  primary key (invoice_id, line_no)
);
-- Credit notes: a full one (no return) credits every line of its invoice; a return's credits what came back.
create table if not exists credit_notes (
  credit_note_id varchar primary key,
  invoice_id varchar not null,
  return_id varchar,
  currency varchar not null,
  amount bigint not null,
  issued_at timestamp not null,
  seq bigint not null
);
create table if not exists return_lines (
  return_id varchar not null,
  line_no integer not null,
  sku varchar not null,
  quantity integer not null,
  primary key (return_id, line_no)
);
create table if not exists purchase_orders (
  purchase_order_id varchar primary key,
  number varchar,
  supplier_id varchar,
  supplier_name varchar,
  currency varchar,
  created_at timestamp,
  cancelled_at timestamp
);
create table if not exists purchase_order_lines (
  purchase_order_id varchar not null,
  line_no integer not null,
  sku varchar not null,
  name varchar not null,
  quantity integer not null,
  unit_cost bigint not null,
  primary key (purchase_order_id, line_no)
);
-- Receipt lines by position in their goods_received event (an unordered line has no line number).
create table if not exists receipt_lines (
  receipt_id varchar not null,
  position integer not null,
  purchase_order_id varchar,
  supplier_id varchar,
  currency varchar not null,
  line_no integer,
  sku varchar not null,
  quantity integer not null,
  unit_cost bigint not null,
  value bigint not null,
  received_at timestamp not null,
  primary key (receipt_id, position)
);
create table if not exists suppliers (
  supplier_id varchar primary key,
  name varchar not null,
  seq bigint not null
);
`;

// Staging tables live per connection: the appender fills them, one set-based upsert per table empties them.
export const stagingSql = `
create temp table stage_orders (order_id varchar, customer_id varchar, customer_name varchar, currency varchar, subtotal bigint, tax bigint,
  total bigint, created_at varchar, status varchar, status_rank integer, amount_paid bigint, invoice_id varchar, updated_at varchar, last_seq bigint);
create temp table stage_lines (order_id varchar, line_no integer, sku varchar, name varchar, quantity integer, net bigint, tax bigint);
create temp table stage_invoices (invoice_id varchar, number varchar, order_id varchar, customer_id varchar, customer_name varchar,
  issue_date varchar, due_date varchar, currency varchar, total bigint, amount_paid bigint, credited bigint, paid_at varchar);
create temp table stage_payments (payment_id varchar, invoice_id varchar, order_id varchar, currency varchar, amount bigint, received_at varchar);
create temp table stage_stock (sku varchar, name varchar, name_seq bigint, on_hand bigint, reserved bigint, version bigint);
create temp table stage_employees (employee_id varchar, name varchar, department varchar, title varchar, salary bigint, currency varchar,
  status varchar, seq bigint, version bigint);
create temp table stage_order_events (order_id varchar, seq bigint, event_id varchar, type varchar, occurred_at varchar, actor varchar,
  causation_id varchar, correlation_id varchar, data varchar);
create temp table stage_movements (sku varchar, movement_id bigint, kind varchar, movement_reason varchar, order_id varchar, purchase_order_id varchar,
  on_hand bigint, value bigint, value_delta bigint, currency varchar, occurred_at varchar);
create temp table stage_invoice_lines (invoice_id varchar, line_no integer, sku varchar, name varchar, quantity integer, unit_price bigint, net bigint);
create temp table stage_credit_notes (credit_note_id varchar, invoice_id varchar, return_id varchar, currency varchar, amount bigint, issued_at varchar, seq bigint);
create temp table stage_return_lines (return_id varchar, line_no integer, sku varchar, quantity integer);
create temp table stage_purchase_orders (purchase_order_id varchar, number varchar, supplier_id varchar, supplier_name varchar, currency varchar,
  created_at varchar, cancelled_at varchar);
create temp table stage_purchase_order_lines (purchase_order_id varchar, line_no integer, sku varchar, name varchar, quantity integer, unit_cost bigint);
create temp table stage_receipt_lines (receipt_id varchar, position integer, purchase_order_id varchar, supplier_id varchar, currency varchar,
  line_no integer, sku varchar, quantity integer, unit_cost bigint, value bigint, received_at varchar);
create temp table stage_suppliers (supplier_id varchar, name varchar, seq bigint);
`;

// mergeEmployee of olap/fold.ts: the higher record version wins, the later stream sequence between equal ones.
const newerEmployee = '(excluded.version > employees.version or (excluded.version = employees.version and excluded.seq > employees.seq))';

// The merge rules of olap/fold.ts, in SQL: the stored row and the batch's change meet commutatively.
export const upsertSql = [
  `insert into orders select order_id, customer_id, customer_name, currency, subtotal, tax, total, cast(created_at as timestamp), status,
     status_rank, amount_paid, invoice_id, cast(updated_at as timestamp), last_seq from stage_orders
   on conflict (order_id) do update set
     customer_id = coalesce(orders.customer_id, excluded.customer_id),
     customer_name = coalesce(orders.customer_name, excluded.customer_name),
     currency = coalesce(orders.currency, excluded.currency),
     subtotal = coalesce(orders.subtotal, excluded.subtotal),
     tax = coalesce(orders.tax, excluded.tax),
     total = coalesce(orders.total, excluded.total),
     created_at = coalesce(orders.created_at, excluded.created_at),
     status = case when excluded.status_rank > orders.status_rank then excluded.status else orders.status end,
     status_rank = greatest(orders.status_rank, excluded.status_rank),
     amount_paid = greatest(orders.amount_paid, excluded.amount_paid),
     invoice_id = coalesce(orders.invoice_id, excluded.invoice_id),
     updated_at = greatest(orders.updated_at, excluded.updated_at),
     last_seq = greatest(orders.last_seq, excluded.last_seq)`,
  `insert into order_lines select * from stage_lines on conflict do nothing`,
  `insert into invoices select invoice_id, number, order_id, customer_id, customer_name, cast(issue_date as date), cast(due_date as date),
     currency, total, amount_paid, credited, cast(paid_at as timestamp) from stage_invoices
   on conflict (invoice_id) do update set
     number = coalesce(invoices.number, excluded.number),
     order_id = coalesce(invoices.order_id, excluded.order_id),
     customer_id = coalesce(invoices.customer_id, excluded.customer_id),
     customer_name = coalesce(invoices.customer_name, excluded.customer_name),
     issue_date = coalesce(invoices.issue_date, excluded.issue_date),
     due_date = coalesce(invoices.due_date, excluded.due_date),
     currency = coalesce(invoices.currency, excluded.currency),
     total = coalesce(invoices.total, excluded.total),
     amount_paid = greatest(invoices.amount_paid, excluded.amount_paid),
     credited = greatest(invoices.credited, excluded.credited),
     paid_at = greatest(invoices.paid_at, excluded.paid_at)`,
  `insert into payments select payment_id, invoice_id, order_id, currency, amount, cast(received_at as timestamp) from stage_payments
   on conflict do nothing`,
  `insert into stock select * from stage_stock
   on conflict (sku) do update set
     name = case when excluded.name_seq > stock.name_seq then excluded.name else stock.name end,
     name_seq = greatest(stock.name_seq, excluded.name_seq),
     on_hand = case when excluded.version > stock.version then excluded.on_hand else stock.on_hand end,
     reserved = case when excluded.version > stock.version then excluded.reserved else stock.reserved end,
     version = greatest(stock.version, excluded.version)`,
  `insert into employees select * from stage_employees
   on conflict (employee_id) do update set
     name = case when ${newerEmployee} then excluded.name else employees.name end,
     department = case when ${newerEmployee} then excluded.department else employees.department end,
     title = case when ${newerEmployee} then excluded.title else employees.title end,
     salary = case when ${newerEmployee} then excluded.salary else employees.salary end,
     currency = case when ${newerEmployee} then excluded.currency else employees.currency end,
     status = case when ${newerEmployee} then excluded.status else employees.status end,
     seq = case when ${newerEmployee} then excluded.seq else employees.seq end,
     version = case when ${newerEmployee} then excluded.version else employees.version end`,
  `insert into order_events select * from stage_order_events on conflict do nothing`,
  // Buying and margin (in the order of BuyingChanges' tables in olap/store.ts).
  `insert into stock_movements select sku, movement_id, kind, movement_reason, order_id, purchase_order_id, on_hand, value, value_delta, currency,
     cast(occurred_at as timestamp) from stage_movements on conflict do nothing`,
  `insert into invoice_lines select * from stage_invoice_lines on conflict do nothing`,
  `insert into credit_notes select credit_note_id, invoice_id, return_id, currency, amount, cast(issued_at as timestamp), seq from stage_credit_notes
   on conflict do nothing`,
  `insert into return_lines select * from stage_return_lines on conflict do nothing`,
  // Created and cancelled may come in either order: each fills what it knows.
  `insert into purchase_orders select purchase_order_id, number, supplier_id, supplier_name, currency, cast(created_at as timestamp),
     cast(cancelled_at as timestamp) from stage_purchase_orders
   on conflict (purchase_order_id) do update set
     number = coalesce(purchase_orders.number, excluded.number),
     supplier_id = coalesce(purchase_orders.supplier_id, excluded.supplier_id),
     supplier_name = coalesce(purchase_orders.supplier_name, excluded.supplier_name),
     currency = coalesce(purchase_orders.currency, excluded.currency),
     created_at = coalesce(purchase_orders.created_at, excluded.created_at),
     cancelled_at = coalesce(purchase_orders.cancelled_at, excluded.cancelled_at)`,
  `insert into purchase_order_lines select * from stage_purchase_order_lines on conflict do nothing`,
  `insert into receipt_lines select receipt_id, position, purchase_order_id, supplier_id, currency, line_no, sku, quantity, unit_cost, value,
     cast(received_at as timestamp) from stage_receipt_lines on conflict do nothing`,
  // The name of the latest supplier_upserted by stream sequence.
  `insert into suppliers select * from stage_suppliers
   on conflict (supplier_id) do update set
     name = case when excluded.seq > suppliers.seq then excluded.name else suppliers.name end,
     seq = greatest(suppliers.seq, excluded.seq)`,
];
