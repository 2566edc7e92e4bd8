import { agingBucketSql } from './aging.js';
import { suppressSmallGroups, type PayrollRow } from './payroll-groups.js';

// The named aggregates of API.md: each is SQL over the fact tables with bound parameters only.
// Money columns are cast to BIGINT (integer minor units); instants leave as ISO 8601 UTC strings.

export const iso = (col: string) => `strftime(${col}, '%Y-%m-%dT%H:%M:%S.%gZ')`;

export interface NamedSql {
  sql: string;
  values: (string | number)[];
  /** Columns holding JSON text, parsed on the way out. */
  json?: readonly string[];
  /** A rule over the whole answer the SQL cannot say simply (payroll's small groups), applied by the store to every caller. */
  rows?: (rows: Record<string, unknown>[]) => Record<string, unknown>[];
}

export const salesByHour = (hours: number, now: Date): NamedSql => ({
  // Booked revenue: orders not rejected nor cancelled, by the hour they were created in (UTC).
  sql: `select ${iso("date_trunc('hour', created_at)")} as hour, currency,
          count(*)::bigint as orders,
          count(*) filter (where status not in ('rejected', 'cancelled'))::bigint as booked,
          coalesce(sum(total) filter (where status not in ('rejected', 'cancelled')), 0)::bigint as revenue,
          count(*) filter (where status = 'rejected')::bigint as rejected,
          count(*) filter (where status = 'cancelled')::bigint as cancelled
        from orders
        where created_at is not null and created_at >= cast($1 as timestamp)
        group by all order by hour, currency`,
  values: [new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - (hours - 1) * 3_600_000).toISOString()],
});

export const arAging = (asOf: string): NamedSql => ({
  // Open balance of every invoice neither paid nor credited, by days past its due date as of `asOf`.
  sql: `with open as (
          select currency, total - amount_paid - credited as balance, date_diff('day', due_date, cast($1 as date)) as days
          from invoices where due_date is not null and total - amount_paid - credited > 0
        )
        select ${agingBucketSql('days')} as bucket, currency, count(*)::bigint as invoices, sum(balance)::bigint as balance
        from open group by all order by currency, min(days)`,
  values: [asOf],
});

export const stockLevels: NamedSql = {
  sql: `select sku, name, on_hand::bigint as "onHand", reserved::bigint as reserved, (on_hand - reserved)::bigint as available
        from stock order by sku`,
  values: [],
};

export const orderFunnel: NamedSql = {
  sql: `select status, count(*)::bigint as orders, coalesce(sum(total), 0)::bigint as value
        from orders where created_at is not null group by status order by min(status_rank), status`,
  values: [],
};

export const topProducts = (limit: number): NamedSql => ({
  // Lines of orders that still stand (not rejected nor cancelled), by net revenue.
  sql: `select l.sku, any_value(l.name) as name, o.currency, sum(l.quantity)::bigint as quantity, sum(l.net)::bigint as revenue
        from order_lines l join orders o using (order_id)
        where o.status not in ('rejected', 'cancelled')
        group by l.sku, o.currency order by revenue desc, quantity desc, l.sku limit $1`,
  values: [limit],
});

export const headcountByDepartment: NamedSql = {
  sql: `select department, count(*)::bigint as headcount from employees where status = 'active' group by department order by department`,
  values: [],
};

const payrollRow = (r: Record<string, unknown>): PayrollRow => ({ department: String(r.department), currency: String(r.currency), headcount: Number(r.headcount), monthlySalary: Number(r.monthlySalary) });

/** Pay by department, with no department of fewer than `minGroup` people shown apart (olap/payroll-groups.ts). */
export const payrollByDepartment = (minGroup: number): NamedSql => ({
  sql: `select department, currency, count(*)::bigint as headcount, sum(salary)::bigint as "monthlySalary"
        from employees where status = 'active' group by department, currency order by department, currency`,
  values: [],
  rows: (rows) => suppressSmallGroups(rows.map(payrollRow), minGroup),
});

export const projectedOrder = (id: string): NamedSql => ({
  sql: `select o.order_id as id, o.status, o.customer_id as "customerId", o.customer_name as "customerName", o.currency,
          o.subtotal::bigint as subtotal, o.tax::bigint as tax, o.total::bigint as total, o.amount_paid::bigint as "amountPaid",
          o.invoice_id as "invoiceId", i.number as "invoiceNumber", cast(i.due_date as varchar) as "dueDate",
          ${iso('o.created_at')} as "createdAt", ${iso('o.updated_at')} as "updatedAt", o.last_seq::bigint as "lastSeq",
          coalesce((select list({sku: l.sku, name: l.name, quantity: l.quantity, net: l.net, tax: l.tax} order by l.line_no)
                    from order_lines l where l.order_id = o.order_id), []) as lines
        from orders o left join invoices i on i.invoice_id = o.invoice_id
        where o.order_id = $1 and o.created_at is not null`,
  values: [id],
});

export const orderTimeline = (id: string): NamedSql => ({
  // Every event naming the order, in stream order, with its data as published.
  sql: `select seq::bigint as seq, event_id as id, type, occurred_at as "occurredAt", actor, causation_id as "causationId",
          correlation_id as "correlationId", data
        from order_events where order_id = $1 order by seq`,
  values: [id],
  json: ['data'],
});
