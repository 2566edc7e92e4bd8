import type { NamedSql } from './queries.js';

// The named queries of buying and margin (issue 20), one definition each: the SQL below is the metric
// (issue 23's catalogue is to name these, not copy them). Over the facts of olap/buying-fold.ts; money
// in integer minor units and always per currency (never added across currencies); months and days are
// UTC. tests/support/buying-reference.ts computes the same figures from the events, in TypeScript, for
// the correctness tests.

/** 'YYYY-MM' of the first month of the last `months` months up to `now`'s (UTC). */
export const firstMonth = (months: number, now: Date) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1)).toISOString().slice(0, 7);

/** 'YYYY-MM-DD' of the first of the last `days` days up to `now`'s (UTC), and `now`'s. */
export const dayRange = (days: number, now: Date) =>
  [new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10), now.toISOString().slice(0, 10)] as const;

/** The supplier's latest name (supplier_upserted), else the one its purchase orders carry, else its id. */
const supplierName = (id: string) =>
  `coalesce((select s.name from suppliers s where s.supplier_id = ${id}), (select max(p.supplier_name) from purchase_orders p where p.supplier_id = ${id}), ${id})`;

/**
 * gross_margin: per month, product and currency, revenue net of tax minus cost of goods sold.
 * - Revenue: the invoice lines' `net`, in the month of the invoice's issue date. A credit note takes
 *   back revenue in the month it was issued (as AR aging takes it off the balance when it is issued),
 *   by product: a full credit (a cancelled order's, no return) every line of its invoice; a return's
 *   credit exactly what billing credits (shared/domain/credit-note.ts): the returned quantities at the
 *   invoice line's unit price, the part that completes a line taking what is left of its net.
 * - COGS: shipments' cost (`-valueDelta` of stock_changed, reason shipment) in the month they left;
 *   a restocked return lowers it by the value it came back at. Scrapped returns stay cost.
 * - margin = revenue - cogs; marginPercent = 100 * margin / revenue (null without revenue).
 */
export const grossMargin = (months: number, now: Date): NamedSql => ({
  sql: `with return_credits as (
          select c.currency, c.issued_at, c.invoice_id, r.line_no, r.quantity,
                 sum(r.quantity) over (partition by c.invoice_id, r.line_no order by c.issued_at, c.seq) as upto
          from credit_notes c join return_lines r on r.return_id = c.return_id
        ),
        facts as (
          select i.currency, strftime(i.issue_date, '%Y-%m') as month, l.sku, l.net as revenue, 0 as cogs
          from invoice_lines l join invoices i using (invoice_id) where i.issue_date is not null and i.currency is not null
          union all
          select c.currency, strftime(c.issued_at, '%Y-%m'), l.sku, -l.net, 0
          from credit_notes c join invoice_lines l using (invoice_id) where c.return_id is null
          union all
          select rc.currency, strftime(rc.issued_at, '%Y-%m'), l.sku,
                 -((case when rc.upto = l.quantity then l.net else l.unit_price * rc.upto end)
                   - (case when rc.upto - rc.quantity = l.quantity then l.net else l.unit_price * (rc.upto - rc.quantity) end)), 0
          from return_credits rc join invoice_lines l on l.invoice_id = rc.invoice_id and l.line_no = rc.line_no
          union all
          select currency, strftime(occurred_at, '%Y-%m'), sku, 0, -value_delta
          from stock_movements where kind in ('shipment', 'return') and value_delta is not null and currency is not null
        ),
        sums as (
          select month, sku, currency, sum(revenue)::bigint as revenue, sum(cogs)::bigint as cogs
          from facts where month >= $1 group by month, sku, currency
        )
        select x.month, x.sku, coalesce(s.name, x.sku) as name, x.currency, x.revenue, x.cogs, (x.revenue - x.cogs)::bigint as margin,
               case when x.revenue <> 0 then (x.revenue - x.cogs) * 100.0 / x.revenue end as "marginPercent"
        from sums x left join stock s using (sku)
        order by x.month, x.currency, x.sku`,
  values: [firstMonth(months, now)],
});

/**
 * inventory_value: the stock's value at cost at the end of each UTC day, per currency: every sku at the
 * `value` of its last movement (by movement id) on or before that day, summed. Days before a sku's first
 * valued movement leave it out; days before any leave no row.
 */
export const inventoryValue = (days: number, now: Date): NamedSql => ({
  sql: `with per_day as (
          select sku, cast(occurred_at as date) as day, max(movement_id) as top
          from stock_movements where value is not null and currency is not null group by sku, day
        ),
        upto as (select sku, day, max(top) over (partition by sku order by day) as top from per_day),
        levels as (select u.sku, u.day, m.value, m.currency from upto u join stock_movements m on m.sku = u.sku and m.movement_id = u.top),
        days as (select cast(unnest(generate_series(cast($1 as date), cast($2 as date), interval 1 day)) as date) as day),
        grid as (select d.day, k.sku from days d cross join (select distinct sku from levels) k)
        select strftime(g.day, '%Y-%m-%d') as day, l.currency, sum(l.value)::bigint as value
        from grid g asof join levels l on l.sku = g.sku and g.day >= l.day
        group by g.day, l.currency order by g.day, l.currency`,
  values: [...dayRange(days, now)],
});

/**
 * purchase_spend: goods received at cost (goods_received lines' `value`) per month, supplier and
 * currency. Receipts with no supplier are one row, supplierId null, "without purchase order".
 */
export const purchaseSpend = (months: number, now: Date): NamedSql => ({
  sql: `with sums as (
          select strftime(received_at, '%Y-%m') as month, supplier_id, currency, count(distinct receipt_id)::bigint as receipts,
                 sum(quantity)::bigint as quantity, sum(value)::bigint as value
          from receipt_lines group by all
        )
        select x.month, x.supplier_id as "supplierId",
               case when x.supplier_id is null then 'without purchase order' else ${supplierName('x.supplier_id')} end as "supplierName",
               x.currency, x.receipts, x.quantity, x.value
        from sums x where x.month >= $1 order by x.month, x.currency, "supplierName", "supplierId"`,
  values: [firstMonth(months, now)],
});

/**
 * stock_on_order: what purchase orders not cancelled still await, per sku, supplier and currency: each
 * line's quantity minus what goods_received brought in against it (never below 0); a cancelled order
 * awaits nothing more. `value` is the open quantity at the lines' unit costs.
 */
export const stockOnOrder: NamedSql = {
  sql: `with received as (
          select purchase_order_id, line_no, sum(quantity) as received from receipt_lines where purchase_order_id is not null group by all
        ),
        open_lines as (
          select l.sku, l.name, o.supplier_id, o.currency, l.quantity, coalesce(r.received, 0) as received,
                 greatest(l.quantity - coalesce(r.received, 0), 0) as open_qty, l.unit_cost
          from purchase_order_lines l join purchase_orders o using (purchase_order_id)
          left join received r using (purchase_order_id, line_no)
          where o.cancelled_at is null and o.supplier_id is not null and o.currency is not null
        ),
        sums as (
          select sku, min(name) as line_name, supplier_id, currency, sum(quantity)::bigint as ordered, sum(received)::bigint as received,
                 sum(open_qty)::bigint as "onOrder", sum(open_qty * unit_cost)::bigint as value
          from open_lines group by sku, supplier_id, currency
        )
        select x.sku, coalesce(s.name, x.line_name) as name, x.supplier_id as "supplierId", ${supplierName('x.supplier_id')} as "supplierName",
               x.currency, x.ordered, x.received, x."onOrder", x.value
        from sums x left join stock s using (sku)
        where x."onOrder" > 0 order by x.sku, "supplierName", "supplierId"`,
  values: [],
};
