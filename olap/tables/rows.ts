import type { ColumnDef, Merge, Table } from './declare.js';

// The fold's side of a declaration: a batch's rows of one table, keyed by the declared key, merged by
// the declared rules (the same rules olap/tables/sql.ts writes as the upsert).

type Value = string | number | null;
const cell = (row: unknown, field: string) => (row as Record<string, Value>)[field] ?? null;

/** The row's key as a map key: the value itself for a one-column key (so `orders.get(orderId)` reads). */
export function keyOf<R>(t: Table<R>, row: R): string {
  const values = t.key.map((field) => cell(row, field));
  return values.length === 1 ? String(values[0]) : JSON.stringify(values);
}

/** 1, 0 or -1 as a is greater, equal or less; null below everything. */
function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a > b ? 1 : a < b ? -1 : 0;
}

function isNewer(by: readonly string[], incoming: unknown, kept: unknown): boolean {
  for (const field of by) {
    const c = compare(cell(incoming, field), cell(kept, field));
    if (c !== 0) return c > 0;
  }
  return false;
}

function mergeCell(merge: Merge, c: ColumnDef, kept: unknown, incoming: unknown): Value {
  const k = cell(kept, c.field);
  const i = cell(incoming, c.field);
  switch (merge.kind) {
    case 'first':
      return k ?? i;
    case 'last':
      return i;
    case 'max':
      return compare(i, k) > 0 ? i : k;
    case 'newest':
      return isNewer(merge.by, incoming, kept) ? i : k;
    case 'sum':
      return Number(k ?? 0) + Number(i ?? 0);
    case 'was':
      // Never reached (mergeRows leaves `was` out): what the stored row was is only known at the upsert.
      return null;
  }
}

/** Two versions of one row (same key) as one; `kept` is the stored or earlier one. */
export function mergeRows<R>(t: Table<R>, kept: R, incoming: R): R {
  if (t.onConflict === 'keep') return kept;
  const merged: Record<string, Value> = {};
  // `was` columns stay out of the fold's rows: the upsert fills them from the stored row.
  for (const c of t.columns) if (c.merge.kind !== 'was') merged[c.field] = c.inKey ? cell(kept, c.field) : mergeCell(c.merge, c, kept, incoming);
  return merged as R;
}

/** A batch's rows of one table: one per key, in the order their keys first came. */
export class TableRows<R> extends Map<string, R> {
  constructor(readonly table: Table<R>) {
    super();
  }

  put(row: R): void {
    const key = keyOf(this.table, row);
    const prev = this.get(key);
    this.set(key, prev === undefined ? row : mergeRows(this.table, prev, row));
  }
}
