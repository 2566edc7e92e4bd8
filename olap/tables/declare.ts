// One declaration per DuckDB table: its columns (name, type, nullability, default), its key and how
// two versions of a row meet. Everything else is derived from it (olap/tables/sql.ts: the DDL, the
// upgrade of older files, the stage table and the upsert; olap/tables/rows.ts: the fold's merge and
// the row type; olap/tables/write.ts: the appender), so a column is written once, in one place.

export type SqlType = 'varchar' | 'bigint' | 'integer' | 'timestamp' | 'date';

/**
 * How a column combines two versions of its row: `kept` (the row stored, or the one folded earlier in
 * the batch) and `incoming`. The same rule runs in the fold (JS) and in the upsert (SQL), so a batch
 * merged before it meets the stored row gives what merging one event at a time would.
 * - first: kept unless null (facts that do not change once known: an order's customer, a total);
 * - last: incoming (the watermark: each batch moves it);
 * - max: the greater, nulls ignored (amounts paid so far, the latest instant);
 * - newest: incoming's when its `by` columns, compared in order, are greater than kept's, else kept's
 *   (columns that go together: a status with its rank, stock levels with their movement's version);
 * - sum: kept plus incoming, nulls as 0 (the rollups' counts and amounts: each batch adds its deltas);
 * - was: the stored row's `of` column as it was before this merge, null for a new row (what the row
 *   counted for in the rollups until now: the upsert returns it beside the new values, olap/rollups.ts).
 */
export type Merge =
  { kind: 'first' } | { kind: 'last' } | { kind: 'max' } | { kind: 'newest'; by: readonly string[] } | { kind: 'sum' } | { kind: 'was'; of: string };

export interface ColumnSpec {
  readonly type: SqlType;
  readonly nullable: boolean;
  readonly merge: Merge;
  /** The SQL name when it is not the field's name in snake_case. */
  readonly column?: string;
  readonly default?: string | number;
  /** Added after files were made: `alter table ... add column if not exists` brings an older file up to date. */
  readonly addedLater?: boolean;
}

/** A column while it is declared; T is the field's type in a row (ISO text for instants and days). */
export class Col<T> {
  declare readonly value: T;
  constructor(readonly spec: ColumnSpec) {}

  private with(change: Partial<ColumnSpec>): Col<T> {
    return new Col<T>({ ...this.spec, ...change });
  }

  nullable(): Col<T | null> {
    return new Col<T | null>({ ...this.spec, nullable: true });
  }

  max(): Col<T> {
    return this.with({ merge: { kind: 'max' } });
  }

  last(): Col<T> {
    return this.with({ merge: { kind: 'last' } });
  }

  /** Taken from the row whose `by` fields (compared in order) are the greater; ties keep what is kept. */
  newest(...by: string[]): Col<T> {
    return this.with({ merge: { kind: 'newest', by } });
  }

  /** Added up: kept + incoming (a rollup's measure). */
  sum(): Col<T> {
    return this.with({ merge: { kind: 'sum' } });
  }

  /**
   * The stored row's `of` before the merge (bookkeeping for the rollups; never read as a figure). Only the
   * upsert fills it, so the fold's rows leave it out (optional in the row type).
   */
  was(of: string): Col<T | null | undefined> {
    return new Col<T | null | undefined>({ ...this.spec, nullable: true, merge: { kind: 'was', of } });
  }

  named(column: string): Col<T> {
    return this.with({ column });
  }

  default(value: string | number): Col<T> {
    return this.with({ default: value });
  }

  /** Rows of files made before the column existed take its default (or null). */
  addedLater(): Col<T> {
    return this.with({ addedLater: true });
  }
}

const col = <T>(type: SqlType) => new Col<T>({ type, nullable: false, merge: { kind: 'first' } });
export const varchar = <T extends string = string>() => col<T>('varchar');
export const bigint = () => col<number>('bigint');
export const integer = () => col<number>('integer');
/** An instant, ISO 8601 in UTC in the row; staged as text and cast. */
export const timestamp = () => col<string>('timestamp');
/** A day, YYYY-MM-DD in the row. */
export const date = () => col<string>('date');

export interface ColumnDef extends ColumnSpec {
  readonly field: string;
  readonly column: string;
  /** Part of the primary key: never merged, the key is what the versions share. */
  readonly inKey: boolean;
}

export interface Table<R> {
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  /** Fields of the primary key, in order. */
  readonly key: readonly string[];
  /** keep: a row is written once and never changed (facts keyed by what the event names); merge: per column. */
  readonly onConflict: 'keep' | 'merge';
  /**
   * The key holds the stream sequence of the event that wrote the row (`seq`), so a batch's rows are
   * never stored yet (a batch holds only events above the watermark): they are appended straight into
   * the table, without a stage or an upsert (olap/tables/write.ts).
   */
  readonly appendOnly?: boolean;
  /**
   * Fields looked up alone by a named query (an order's lines and timeline by the order), each given an
   * ART index of its own: DuckDB scans an index only for a filter on all of its columns, so the key's
   * (order, line) index does not serve `where order_id = ?`, which otherwise reads the whole table.
   * Only key fields: they never change once written, so no upsert updates an indexed value (DuckDB
   * turns such an update into a delete and an insert, with over-eager constraint checks).
   */
  readonly indexes: readonly string[];
  /** Type only: the row this table holds. */
  readonly row?: R;
}

/** The row of a table: every column a field, but those only the upsert fills (`was`) optional. */
export type RowOf<C extends Record<string, Col<unknown>>> = {
  -readonly [K in keyof C as undefined extends C[K]['value'] ? never : K]: C[K]['value'];
} & { -readonly [K in keyof C as undefined extends C[K]['value'] ? K : never]?: C[K]['value'] };
export type Row<T> = T extends Table<infer R> ? R : never;

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Declares a table; refuses a declaration whose key or merge names a missing or nullable field. */
/** The columns a reader sees: all but the `was` ones, which depend on how the events were batched, not on what they say. */
export function shownColumns(t: Table<unknown>): ColumnDef[] {
  return t.columns.filter((c) => c.merge.kind !== 'was');
}

export function table<C extends Record<string, Col<unknown>>>(
  name: string,
  columns: C,
  options: { key: (keyof C & string)[]; onConflict: 'keep' | 'merge'; appendOnly?: boolean; indexes?: (keyof C & string)[] },
): Table<RowOf<C>> {
  const keys = new Set<string>(options.key);
  const defs: ColumnDef[] = Object.entries(columns).map(([field, c]) => ({ ...c.spec, field, column: c.spec.column ?? snake(field), inKey: keys.has(field) }));
  const byField = new Map(defs.map((d) => [d.field, d]));
  const mustBeSet = (field: string, what: string) => {
    const d = byField.get(field);
    if (!d) throw new Error(`${name}: ${what} names ${field}, which is not a column`);
    if (d.nullable) throw new Error(`${name}: ${what} names ${field}, which may be null`);
  };
  if (options.key.length === 0) throw new Error(`${name}: a table needs a key`);
  for (const field of options.key) mustBeSet(field, 'the key');
  for (const d of defs) {
    if (d.merge.kind === 'newest') for (const field of d.merge.by) mustBeSet(field, `${d.field}'s merge`);
    if (d.merge.kind === 'was' && !byField.has(d.merge.of)) throw new Error(`${name}: ${d.field} was ${d.merge.of}, which is not a column`);
    if (d.addedLater && !d.nullable && d.default === undefined) throw new Error(`${name}: ${d.field} is added later, so it needs a default or null`);
  }
  for (const field of options.indexes ?? []) {
    if (!keys.has(field)) throw new Error(`${name}: ${field} is indexed, but only a key field can be (it never changes once written)`);
    if (options.key.length === 1) throw new Error(`${name}: ${field} is the whole key, which the primary key indexes already`);
  }
  if (options.appendOnly) {
    if (!options.key.includes('seq')) throw new Error(`${name}: only a table keyed by the stream sequence (seq) is append-only`);
    // Appended by position: a column added later sits at the end of an older file, not where it is declared.
    if (defs.some((d) => d.addedLater)) throw new Error(`${name}: an append-only table cannot have columns added later`);
  }
  return {
    name,
    columns: defs,
    key: options.key,
    onConflict: options.onConflict,
    indexes: options.indexes ?? [],
    ...(options.appendOnly ? { appendOnly: true } : {}),
  };
}
