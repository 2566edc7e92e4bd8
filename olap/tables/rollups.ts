import { unbookedStatuses } from '../../shared/domain/order-lifecycle.js';
import { bigint, date, integer, table, timestamp, varchar, type Table } from './declare.js';

// Rollups: the facts the heavy named queries read, already added up per group, so a query reads
// O(groups), not O(orders). Each batch adds what its rows count for now and takes away what they counted
// for before (the fact tables' `was` columns, olap/rollups.ts), in the batch's transaction; a group that
// falls to nothing is deleted. `recomputeSql` is the same figure from the facts alone: it fills the
// rollups of a file made before them, and the tests check the kept rollups against it.

/** Orders per UTC clock hour of creation, currency and status now: sales_by_hour and order_funnel. */
export const ordersHourly = table(
  'rollup_orders_hourly',
  {
    hour: timestamp(),
    currency: varchar(),
    status: varchar(),
    statusRank: integer(),
    orders: bigint().sum(),
    // Gross totals (nulls as 0: a sum over none is 0 in every query that reads it).
    total: bigint().sum(),
  },
  { key: ['hour', 'currency', 'status', 'statusRank'], onConflict: 'merge' },
);

/** Lines of booked orders (not rejected nor cancelled now) per sku, currency and the name on the line: top_products. */
export const productSales = table(
  'rollup_product_sales',
  {
    sku: varchar(),
    currency: varchar(),
    name: varchar(),
    lines: bigint().sum(),
    quantity: bigint().sum(),
    revenue: bigint().sum(),
  },
  { key: ['sku', 'currency', 'name'], onConflict: 'merge' },
);

/** Invoices with an open balance (total - paid - credited > 0) per currency, issue day and due day: ar_aging. */
export const receivables = table(
  'rollup_receivables',
  {
    currency: varchar(),
    issueDate: date(),
    dueDate: date(),
    invoices: bigint().sum(),
    balance: bigint().sum(),
  },
  { key: ['currency', 'issueDate', 'dueDate'], onConflict: 'merge' },
);

export const rollupTables: readonly Table<unknown>[] = [ordersHourly, productSales, receivables];

export const unbookedSql = `(${unbookedStatuses.map((s) => `'${s}'`).join(', ')})`;

/** Each rollup's rows from the facts alone, as `select` with its columns in declaration order. */
export const recomputeSql: Record<string, string> = {
  [ordersHourly.name]: `select date_trunc('hour', created_at) as hour, currency, status, status_rank, count(*) as orders, coalesce(sum(total), 0) as total
    from orders where created_at is not null and currency is not null group by all`,
  [productSales.name]: `select l.sku, o.currency, l.name, count(*) as lines, sum(l.quantity) as quantity, sum(l.net) as revenue
    from order_lines l join orders o using (order_id) where o.status not in ${unbookedSql} and o.currency is not null group by all`,
  [receivables.name]: `select currency, issue_date, due_date, count(*) as invoices, sum(total - amount_paid - credited) as balance
    from invoices where currency is not null and issue_date is not null and due_date is not null and total - amount_paid - credited > 0 group by all`,
};

/** Refills a rollup from the facts (a file made before the rollup existed). */
export const refillSql = (t: Table<unknown>) => `delete from ${t.name}; insert into ${t.name} ${recomputeSql[t.name]};`;
