import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { ColumnDef, Table } from './declare.js';
import type { TableRows } from './rows.js';
import { stageName, upsertSql } from './sql.js';

// Writing a batch's rows of one table: the appender fills its stage table (made by stageSql from the
// same column list, so the n-th value appended is the n-th declared column, read from the row by its
// field name), one set-based upsert moves them into the table, and the stage is emptied.

function append(appender: DuckDBAppender, c: ColumnDef, value: unknown): void {
  // A null in a not-null column is refused by the table's constraint at the upsert.
  if (value === null || value === undefined) appender.appendNull();
  else if (c.type === 'bigint') appender.appendBigInt(BigInt(value as number));
  else if (c.type === 'integer') appender.appendInteger(Number(value));
  else appender.appendVarchar(String(value));
}

const upserts = new WeakMap<Table<unknown>, string>();
const returningUpserts = new WeakMap<Table<unknown>, string>();

const upsertOf = (t: Table<unknown>, returning: boolean): string => {
  const cache = returning ? returningUpserts : upserts;
  if (!cache.has(t)) cache.set(t, upsertSql(t, returning));
  return cache.get(t)!;
};

const numbers = (row: Record<string, unknown>) => {
  for (const k in row) if (typeof row[k] === 'bigint') row[k] = Number(row[k]);
  return row;
};

/**
 * Writes the rows; with `returning`, gives back every row inserted or changed as it now stands (with
 * its `was` columns: what it was before), numbers as numbers, instants and days as ISO text.
 */
export async function writeRows<R>(conn: DuckDBConnection, rows: TableRows<R>, returning = false): Promise<Record<string, unknown>[]> {
  if (rows.size === 0) return [];
  const t = rows.table as Table<unknown>;
  const appender = await conn.createAppender(stageName(t), 'main', 'temp');
  try {
    for (const row of rows.values()) {
      for (const c of t.columns) append(appender, c, (row as Record<string, unknown>)[c.field]);
      appender.endRow();
    }
  } finally {
    appender.closeSync();
  }
  try {
    if (!returning) {
      await conn.run(upsertOf(t, false));
      return [];
    }
    return (await conn.runAndReadAll(upsertOf(t, true))).getRowObjectsJS().map(numbers);
  } finally {
    await conn.run(`delete from ${stageName(t)}`);
  }
}
