import { agingBucketOrderSql, agingBucketSql, agingBuckets } from './aging.js';
import { unbooked } from './catalogue/sales.js';
import { suppressSmallGroups, type PayrollRow } from './payroll-groups.js';

// The named aggregates of the metric catalogue (olap/catalogue.ts), which defines each: each is SQL over the fact tables with bound parameters only.
// Money columns are cast to BIGINT (integer minor units); instants leave as ISO 8601 UTC strings.

export const iso = (col: string) => `strftime(${col}, '%Y-%m-%dT%H:%M:%S.%gZ')`;

export interface NamedSql {
  sql: string;
  values: (string | number)[];
  /** Columns holding JSON text, parsed on the way out. */
  json?: readonly string[];
  /** A rule over the whole answer the SQL cannot say simply (payroll's small groups), applied by the store to every caller. */
  rows?: (rows: Record<string, unknown>[]) => Record<string, unknown>[];
  /** What `rows` depends on besides the SQL and its values: an answer with a rule is kept between two
   *  batches (olap/answer-cache.ts) only when it says this. */
  rowsKey?: string;
}

const notBooked = `(${unbooked.map((s) => `'${s}'`).join(', ')})`;

/** The first UTC clock hour of the last `hours` ending with `now`'s (which is included, partial). */
export const firstHour = (hours: number, now: Date) => new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - (hours - 1) * 3_600_000);

export const salesByHour = (hours: number, now: Date): NamedSql => {
  const first = firstHour(hours, now);
  return {
    // olap/catalogue/sales.ts: every hour of the window for every currency ordered in it; revenue gross, of orders booked.
    // From the hourly rollup (olap/tables/rollups.ts): the window's groups, not its orders. Only the hours
    // with orders come out of DuckDB, keyed by epoch milliseconds; the dense hour x currency grid and its
    // ISO hours are made in JS (denseHours): building them in SQL (generate_series, a cross join, a left
    // join and a group by over thousands of rows) cost most of the answer's time, as did carrying
    // timestamps and strftime's strings out of DuckDB. Sums by case rather than filter, and as doubles
    // (exact integers up to 2^53, as Number() of a BIGINT is): half the aggregate's time here.
    sql: `select epoch_ms(hour)::double as at, currency,
            sum(orders)::double as orders,
            sum(case when status not in ${notBooked} then orders else 0 end)::double as booked,
            sum(case when status not in ${notBooked} then total else 0 end)::double as revenue,
            sum(case when status = 'rejected' then orders else 0 end)::double as rejected,
            sum(case when status = 'cancelled' then orders else 0 end)::double as cancelled
          from rollup_orders_hourly
          where hour >= cast($1 as timestamp) and hour < cast($2 as timestamp) + interval 1 hour
          group by hour, currency`,
    values: [first.toISOString(), firstHour(1, now).toISOString()],
    rows: (rows) => denseHours(rows, first.getTime(), hours),
    rowsKey: `hours ${hours}`,
  };
};

const hourMs = 3_600_000;

/** sales_by_hour's answer from the hours that had orders (`at`: the hour in epoch ms): every hour of the
 *  window for every currency among them, hour by hour and currencies in order, zeros where nothing was created. */
export function denseHours(rows: Record<string, unknown>[], firstMs: number, hours: number): Record<string, unknown>[] {
  const currencies = [...new Set(rows.map((r) => r.currency as string))].sort();
  // Each hour's row per currency at its place in the grid: (hour's index) * currencies + currency's index.
  const place = new Map(currencies.map((c, i) => [c, i]));
  const grid: (Record<string, unknown> | undefined)[] = new Array(hours * currencies.length);
  for (const r of rows) grid[(((r.at as number) - firstMs) / hourMs) * currencies.length + place.get(r.currency as string)!] = r;
  const out: Record<string, unknown>[] = new Array(grid.length);
  for (let h = 0; h < hours; h++) {
    const hour = new Date(firstMs + h * hourMs).toISOString();
    currencies.forEach((currency, c) => {
      const r = grid[h * currencies.length + c];
      out[h * currencies.length + c] = r
        ? { hour, currency, orders: r.orders, booked: r.booked, revenue: r.revenue, rejected: r.rejected, cancelled: r.cancelled }
        : { hour, currency, orders: 0, booked: 0, revenue: 0, rejected: 0, cancelled: 0 };
    });
  }
  return out;
}

export const arAging = (asOf: string): NamedSql => ({
  // olap/catalogue/sales.ts: open balances of invoices issued by asOf, five buckets per currency with any.
  // From the receivables rollup: open balances per currency, issue day and due day.
  sql: `with open as (
          select currency, invoices, balance, date_diff('day', due_date, cast($1 as date)) as days
          from rollup_receivables where issue_date <= cast($1 as date)
        ),
        buckets as (select unnest([${agingBuckets.map((b) => `'${b}'`).join(', ')}]) as bucket),
        facts as (select ${agingBucketSql('days')} as bucket, currency, invoices, balance from open)
        select b.bucket, c.currency, coalesce(sum(f.invoices), 0)::bigint as invoices, coalesce(sum(f.balance), 0)::bigint as balance
        from buckets b cross join (select distinct currency from open) c left join facts f on f.bucket = b.bucket and f.currency = c.currency
        group by b.bucket, c.currency order by c.currency, ${agingBucketOrderSql('b.bucket')}`,
  values: [asOf],
});

export const stockLevels: NamedSql = {
  sql: `select sku, name, on_hand::bigint as "onHand", reserved::bigint as reserved, (on_hand - reserved)::bigint as available
        from stock order by sku`,
  values: [],
};

export const orderFunnel: NamedSql = {
  // Orders now in each status, per currency; value = their gross totals. From the hourly rollup.
  sql: `select status, currency, sum(orders)::bigint as orders, coalesce(sum(total), 0)::bigint as value
        from rollup_orders_hourly group by status, currency order by min(status_rank), status, currency`,
  values: [],
};

export const topProducts = (limit: number): NamedSql => ({
  // Net revenue of booked orders' lines, ranked within each currency; the product's current name. From the product rollup.
  sql: `with sums as (
          select sku, currency, max(name) as line_name, sum(quantity) as quantity, sum(revenue) as revenue
          from rollup_product_sales group by sku, currency
        ),
        ranked as (select *, row_number() over (partition by currency order by revenue desc, quantity desc, sku) as rank from sums)
        select x.sku, coalesce(s.name, x.line_name) as name, x.currency, x.rank::bigint as rank, x.quantity::bigint as quantity, x.revenue::bigint as revenue
        from ranked x left join stock s using (sku) where x.rank <= $1 order by x.currency, x.rank`,
  values: [limit],
});

export const headcountByDepartment: NamedSql = {
  sql: `select department, count(*)::bigint as headcount from employees where status = 'active' group by department order by department`,
  values: [],
};

const payrollRow = (r: Record<string, unknown>): PayrollRow => ({
  department: String(r.department),
  currency: String(r.currency),
  headcount: Number(r.headcount),
  monthlySalary: Number(r.monthlySalary),
});

/** Pay by department, with no department of fewer than `minGroup` people shown apart (olap/payroll-groups.ts). */
export const payrollByDepartment = (minGroup: number): NamedSql => ({
  sql: `select department, currency, count(*)::bigint as headcount, sum(salary)::bigint as "monthlySalary"
        from employees where status = 'active' group by department, currency order by department, currency`,
  values: [],
  rows: (rows) => suppressSmallGroups(rows.map(payrollRow), minGroup),
  rowsKey: `minGroup ${minGroup}`,
});

export const projectedOrder = (id: string): NamedSql => ({
  // Each table filtered by the constant id (the invoice by the id the order names) rather than joined:
  // the join and the correlated subquery made DuckDB hash every invoice and every order line for one
  // order (23-27 ms of CPU at 1M orders, 11 now). The lines remain a scan of order_lines: its key is
  // (order, line), which DuckDB does not use for the order alone.
  sql: `with o as (select * from orders where order_id = $1 and created_at is not null),
        i as (select invoice_id, number, due_date from invoices where invoice_id = (select invoice_id from o)),
        l as (select list({sku: sku, name: name, quantity: quantity, net: net, tax: tax} order by line_no) as lines from order_lines where order_id = $1)
        select o.order_id as id, o.status, o.customer_id as "customerId", o.customer_name as "customerName", o.currency,
          o.subtotal::bigint as subtotal, o.tax::bigint as tax, o.total::bigint as total, o.amount_paid::bigint as "amountPaid",
          o.invoice_id as "invoiceId", i.number as "invoiceNumber", cast(i.due_date as varchar) as "dueDate",
          ${iso('o.created_at')} as "createdAt", ${iso('o.updated_at')} as "updatedAt", o.last_seq::bigint as "lastSeq",
          coalesce((select lines from l), []) as lines
        from o left join i on i.invoice_id = o.invoice_id`,
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
