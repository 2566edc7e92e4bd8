import { shownColumns, type ColumnDef, type Merge, type Table } from './declare.js';

// The SQL of a table, derived from its declaration (olap/tables/declare.ts). Columns are always named,
// never taken by position: a file made before a column was added has it at the end, wherever the
// declaration puts it.

const literal = (value: string | number) => (typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`);
const columnOf = (t: Table<unknown>, field: string) => t.columns.find((c) => c.field === field)!.column;
const keyColumns = (t: Table<unknown>) => t.key.map((field) => columnOf(t, field));

function columnDdl(c: ColumnDef, upgrade = false): string {
  // A column added to a file with rows cannot be declared not null: its default fills them instead.
  const parts = [c.column, c.type, c.nullable || upgrade ? '' : 'not null', c.default === undefined ? '' : `default ${literal(c.default)}`];
  return parts.filter(Boolean).join(' ');
}

/** The name of the index on one column (declare.ts `indexes`). */
export const indexName = (t: Table<unknown>, field: string) => `${t.name}_by_${columnOf(t, field)}`;

/**
 * `create table if not exists`, then the additions that bring an older file up to date: columns added
 * later, and the indexes, built from the rows already there the first time a file made before them opens.
 */
export function createSql(t: Table<unknown>): string {
  const lines = [...t.columns.map((c) => columnDdl(c)), `primary key (${keyColumns(t).join(', ')})`];
  const create = `create table if not exists ${t.name} (\n  ${lines.join(',\n  ')}\n);`;
  const upgrades = t.columns.filter((c) => c.addedLater).map((c) => `alter table ${t.name} add column if not exists ${columnDdl(c, true)};`);
  const indexes = t.indexes.map((field) => `create index if not exists ${indexName(t, field)} on ${t.name} (${columnOf(t, field)});`);
  return [create, ...upgrades, ...indexes].join('\n');
}

export const stageName = (t: Table<unknown>) => `stage_${t.name}`;

// Instants and days are staged as their ISO text and cast on the way in: the appender takes them as text.
const staged = (c: ColumnDef) => (c.type === 'timestamp' || c.type === 'date' ? 'varchar' : c.type);

/** The per-connection table the appender fills, one column per declared column, in declaration order. */
export function stageSql(t: Table<unknown>): string {
  return `create temp table if not exists ${stageName(t)} (${t.columns.map((c) => `${c.column} ${staged(c)}`).join(', ')});`;
}

/** `incoming` is newer than `kept` by these columns, compared in order. */
function newer(table: string, by: readonly string[]): string {
  const [first, ...rest] = by;
  const gt = `excluded.${first} > ${table}.${first}`;
  return rest.length === 0 ? gt : `(${gt} or (excluded.${first} = ${table}.${first} and ${newer(table, rest)}))`;
}

function mergeSql(t: Table<unknown>, c: ColumnDef, merge: Merge): string {
  const kept = `${t.name}.${c.column}`;
  const incoming = `excluded.${c.column}`;
  switch (merge.kind) {
    case 'first':
      return `coalesce(${kept}, ${incoming})`;
    case 'last':
      return incoming;
    case 'max':
      return `greatest(${kept}, ${incoming})`; // DuckDB's greatest passes over nulls, as the fold's max does
    case 'newest': {
      const by = merge.by.map((field) => t.columns.find((d) => d.field === field)!.column);
      return `case when ${newer(t.name, by)} then ${incoming} else ${kept} end`;
    }
    case 'sum':
      return `coalesce(${kept}, 0) + coalesce(${incoming}, 0)`;
    case 'was':
      // Every set expression reads the stored row as it was before this update.
      return `${t.name}.${t.columns.find((d) => d.field === merge.of)!.column}`;
  }
}

/** How a column reads back as the fold holds it: instants as ISO text, days as YYYY-MM-DD. */
const readBack = (c: ColumnDef, from = '') =>
  c.type === 'timestamp'
    ? `strftime(${from}${c.column}, '%Y-%m-%dT%H:%M:%S.%gZ')`
    : c.type === 'date'
      ? `strftime(${from}${c.column}, '%Y-%m-%d')`
      : `${from}${c.column}`;

/**
 * Moves the stage table's rows into the table, merging each with the stored row by the declared rules.
 * With `returning`, the statement also returns every row it inserted or changed, all columns by field name.
 */
export function upsertSql(t: Table<unknown>, returning = false): string {
  const back = returning ? `\nreturning ${t.columns.map((c) => `${readBack(c)} as "${c.field}"`).join(', ')}` : '';
  return upsertOnly(t) + back;
}

function upsertOnly(t: Table<unknown>): string {
  const names = t.columns.map((c) => c.column);
  const values = t.columns.map((c) => (staged(c) === c.type ? c.column : `cast(${c.column} as ${c.type})`));
  const insert = `insert into ${t.name} (${names.join(', ')}) select ${values.join(', ')} from ${stageName(t)}`;
  const sets = t.columns.filter((c) => !c.inKey).map((c) => `${c.column} = ${mergeSql(t, c, c.merge)}`);
  if (t.onConflict === 'keep' || sets.length === 0) return `${insert}\non conflict do nothing`;
  return `${insert}\non conflict (${keyColumns(t).join(', ')}) do update set\n  ${sets.join(',\n  ')}`;
}

/**
 * Every row of the table as the fold holds it (instants as ISO text, days as YYYY-MM-DD), in key order;
 * without the `was` columns, which depend on how the events were batched, not on what they say.
 */
export function selectRowsSql(t: Table<unknown>): string {
  return `select ${shownColumns(t)
    .map((c) => `${readBack(c)} as "${c.field}"`)
    .join(', ')} from ${t.name} order by ${keyColumns(t).join(', ')}`;
}
