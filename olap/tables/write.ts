import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { ColumnDef, Table } from './declare.js';
import type { TableRows } from './rows.js';
import { stageName, upsertSql } from './sql.js';

// Writing a batch's rows of one table: the appender fills its stage table (made by stageSql from the
// same column list, so the n-th value appended is the n-th declared column, read from the row by its
// field name), one set-based upsert moves them into the table, and the stage is emptied. An
// append-only table (declare.ts) takes its rows straight from the appender.
//
// What a statement costs in DuckDB barely depends on its rows (a small batch's upsert: ~1.5 ms to plan,
// as much again to run), so a batch (BatchWriter) runs the upserts nothing waits for, and every stage's
// emptying, as ONE multi-statement call at its end, not one call each. Nothing is prepared and kept
// across batches: kept `insert ... on conflict` statements merged rows wrongly on @duckdb/node-api 1.5.6.

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

async function fill<R>(conn: DuckDBConnection, rows: TableRows<R>): Promise<void> {
  const t = rows.table as Table<unknown>;
  // Timestamps and dates are staged as text (sql.ts): an append-only table has none, so appends as is.
  const appender = t.appendOnly ? await conn.createAppender(t.name) : await conn.createAppender(stageName(t), 'main', 'temp');
  try {
    for (const row of rows.values()) {
      for (const c of t.columns) append(appender, c, (row as Record<string, unknown>)[c.field]);
      appender.endRow();
    }
  } finally {
    appender.closeSync();
  }
}

/** The writes of one batch on one connection (inside its transaction); `flush` before the commit. */
export class BatchWriter {
  private readonly later: string[] = [];

  constructor(private readonly conn: DuckDBConnection) {}

  /**
   * Writes the rows; with `returning`, now, giving back every row inserted or changed as it now stands
   * (with its `was` columns: what it was before), numbers as numbers, instants and days as ISO text;
   * without, at `flush`.
   */
  async write<R>(rows: TableRows<R>, returning = false): Promise<Record<string, unknown>[]> {
    if (rows.size === 0) return [];
    const t = rows.table as Table<unknown>;
    if (t.appendOnly && returning) throw new Error(`${t.name}: an append-only table's rows are new, nothing to return`);
    await fill(this.conn, rows);
    if (t.appendOnly) return [];
    if (!returning) {
      this.later.push(upsertOf(t, false), `delete from ${stageName(t)}`);
      return [];
    }
    try {
      return (await this.conn.runAndReadAll(upsertOf(t, true))).getRowObjectsJS().map(numbers);
    } finally {
      this.later.push(`delete from ${stageName(t)}`);
    }
  }

  /** A statement to run at `flush`, after the upserts queued before it. */
  then(sql: string): void {
    this.later.push(sql);
  }

  /** Runs what was left for the end, in the order it came, as one call. */
  async flush(): Promise<void> {
    if (this.later.length === 0) return;
    const sql = this.later.map((s) => `${s};`).join('\n');
    this.later.length = 0;
    await this.conn.run(sql);
  }
}

/** Writes the rows at once (see BatchWriter.write), outside a batch. */
export async function writeRows<R>(conn: DuckDBConnection, rows: TableRows<R>, returning = false): Promise<Record<string, unknown>[]> {
  const writer = new BatchWriter(conn);
  try {
    return await writer.write(rows, returning);
  } finally {
    await writer.flush();
  }
}
