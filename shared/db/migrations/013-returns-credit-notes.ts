// Returns, partial credit notes and refunds (docs/rules.md, "Returns, credit notes and refunds").
// - orders: a return of a fulfilled order's lines; `order_lines.returned` counts what came back, and its
//   check (never more than the line's quantity, which fulfilment ships in full) holds even for a bug in
//   our code or two returns racing.
// - inventory: a restocked return is a stock movement of kind `return`.
// - billing: an invoice may now have several credit notes (one per return, or one full note on cancel),
//   each with its own lines and totals; a return is credited at most once; the invoice keeps what was
//   credited and refunded, and its checks hold the limits: never more credited than invoiced, never more
//   refunded than was paid beyond what is still invoiced.
export const sql = `
alter table orders.order_lines add column returned int not null default 0;
alter table orders.order_lines add constraint order_lines_returned_check check (returned >= 0 and returned <= quantity);
create table orders.returns (
  id text primary key,
  order_id text not null references orders.orders (id),
  returned_at timestamptz not null default now()
);
create index returns_order on orders.returns (order_id);
create table orders.return_lines (
  return_id text not null references orders.returns (id),
  order_id text not null,
  line_no int not null,
  quantity int not null check (quantity > 0),
  reason text not null,
  disposition text not null check (disposition in ('restock', 'scrap')),
  primary key (return_id, line_no),
  foreign key (order_id, line_no) references orders.order_lines (order_id, line_no)
);
-- Published: billing credits a return from this view.
create view orders.return_view as
  select r.id, r.order_id, r.returned_at,
         (select json_agg(json_build_object('lineNo', l.line_no, 'sku', ol.sku, 'name', ol.name, 'quantity', l.quantity,
                 'reason', l.reason, 'disposition', l.disposition) order by l.line_no)
            from orders.return_lines l join orders.order_lines ol on ol.order_id = l.order_id and ol.line_no = l.line_no
           where l.return_id = r.id) as lines
  from orders.returns r;

alter table inventory.stock_movements drop constraint stock_movements_kind_check;
alter table inventory.stock_movements add constraint stock_movements_kind_check check (kind in ('receipt', 'reservation', 'release', 'shipment', 'return'));

alter table billing.credit_notes drop constraint credit_notes_invoice_id_key;
create index credit_notes_invoice on billing.credit_notes (invoice_id);
alter table billing.credit_notes add column return_id text unique;
alter table billing.credit_notes add column subtotal bigint;
alter table billing.credit_notes add column tax bigint;
alter table billing.credit_notes add column lines jsonb;
-- The notes issued so far were full credits of their invoice.
update billing.credit_notes n set subtotal = i.subtotal, tax = i.tax, lines = i.lines from billing.invoices i where i.id = n.invoice_id;
alter table billing.credit_notes alter column subtotal set not null, alter column tax set not null, alter column lines set not null;
alter table billing.credit_notes add constraint credit_notes_amount_check2 check (amount = subtotal + tax and subtotal >= 0 and tax >= 0);

alter table billing.invoices add column refunded bigint not null default 0 check (refunded >= 0);
alter table billing.invoices add constraint invoices_credited_check2 check (credited <= total);
-- A refund only pays back what was paid beyond what is still invoiced.
alter table billing.invoices add constraint invoices_refunded_check2 check (refunded = 0 or total - credited - amount_paid + refunded <= 0);
create table billing.refunds (
  id text primary key,
  invoice_id text not null references billing.invoices (id),
  credit_note_id text not null references billing.credit_notes (id),
  amount bigint not null check (amount > 0),
  method text not null,
  reference text,
  refunded_at timestamptz not null default now()
);
create index refunds_invoice on billing.refunds (invoice_id);

-- Republished with new columns at the END (create or replace view may only append).
create or replace view billing.invoice_view as
  select id, number, order_id, customer_id, issue_date, due_date, currency, subtotal, tax, total, amount_paid, credited,
         total - amount_paid - credited + refunded as balance, status, created_at, lines, buyer, seller, refunded
  from billing.invoices;
create or replace view billing.credit_note_view as
  select id, number, invoice_id, amount, reason, issued_at, return_id, subtotal, tax, lines from billing.credit_notes;
create view billing.refund_view as
  select id, invoice_id, credit_note_id, amount, method, reference, refunded_at from billing.refunds;
`;
