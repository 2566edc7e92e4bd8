// Purchase orders, as the commands use them (docs/rules.md, "Purchase orders"): a cancel keeps its reason
// (the command takes one; the read shows it), and the receipts are published as a view, so the read side
// (query) reads views only, as for every other domain.
export const sql = `
alter table inventory.purchase_orders add column cancel_reason text, add column cancelled_at timestamptz;

-- Columns appended at the END (create or replace view may only append).
create or replace view inventory.purchase_order_view as
  select o.id, o.number, o.supplier_id, s.name as supplier_name, o.status, o.currency, o.note, o.created_by, o.created_at, o.sent_at, o.updated_at,
         (select coalesce(sum(l.quantity * l.unit_cost), 0) from inventory.purchase_order_lines l where l.purchase_order_id = o.id)::bigint as total,
         (select coalesce(jsonb_agg(jsonb_build_object('lineNo', l.line_no, 'sku', l.sku, 'name', p.name, 'supplierSku', l.supplier_sku,
                   'quantity', l.quantity, 'unitCost', l.unit_cost, 'received', l.received) order by l.line_no), '[]')
            from inventory.purchase_order_lines l join inventory.products p using (sku) where l.purchase_order_id = o.id) as lines,
         o.cancel_reason, o.cancelled_at
  from inventory.purchase_orders o join inventory.suppliers s on s.id = o.supplier_id;

create view inventory.goods_receipt_view as
  select id, purchase_order_id, lines, note, actor, received_at from inventory.goods_receipts;
`;
