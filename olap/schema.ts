import type { Row, Table } from './tables/declare.js';
import { creditNotes, invoiceLines, purchaseOrderLines, purchaseOrders, receiptLines, returnLines, stockMovements, suppliers } from './tables/buying.js';
import { employees, invoices, orderEvents, orderLines, orders, payments, stock, watermark } from './tables/facts.js';
import { rollupTables } from './tables/rollups.js';
import { TableRows } from './tables/rows.js';
import { createSql, stageSql, upsertSql as upsertOf } from './tables/sql.js';

// The DuckDB store's tables, each declared once (olap/tables/), and the SQL derived from them.

/** The tables the fold fills, by the name a batch calls them (olap/fold.ts, olap/buying-fold.ts). */
export const factTables = {
  orders,
  lines: orderLines,
  invoices,
  payments,
  stock,
  employees,
  timeline: orderEvents,
  // Buying and margin (olap/buying-fold.ts).
  movements: stockMovements,
  invoiceLines,
  creditNotes,
  returnLines,
  purchaseOrders,
  purchaseOrderLines,
  receiptLines,
  suppliers,
};

export { watermark as watermarkTable };

export const allTables: readonly Table<unknown>[] = [watermark, ...Object.values(factTables), ...rollupTables];

export const schemaSql = allTables.map(createSql).join('\n');

/** Staging tables live per connection: the appender fills them, one set-based upsert per table empties them. */
export const stagingSql = allTables.map(stageSql).join('\n');

export const upsertSql: Record<string, string> = Object.fromEntries(allTables.map((t) => [t.name, upsertOf(t)]));

/** A batch's rows, one collection per fact table, merged by the table's declared rules as they are put. */
export type Batch = { [K in keyof typeof factTables]: TableRows<Row<(typeof factTables)[K]>> };

export function emptyBatch(): Batch {
  return Object.fromEntries(Object.entries(factTables).map(([name, t]) => [name, new TableRows(t as Table<unknown>)])) as Batch;
}

/** Every table's rows of a batch, to be written. */
export const batchRows = (b: Batch): TableRows<unknown>[] => Object.keys(factTables).map((name) => b[name as keyof Batch] as TableRows<unknown>);
