import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { plain } from '../store.js';
import { bigint, integer, table, timestamp, varchar, type Row, type Table } from './declare.js';
import { mergeRows, TableRows } from './rows.js';
import { createSql, selectRowsSql, stageSql, upsertSql } from './sql.js';
import { writeRows } from './write.js';

// A throw-away table, declared, then declared again with one column more (in the middle, as a newcomer
// would add it): every derived piece follows, and a file made with the first declaration takes the
// second one's rows.

const dir = mkdtempSync(join(tmpdir(), 'erpbi-olap-tables-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const widgetsV1 = table(
  'widgets',
  {
    widgetId: varchar(),
    label: varchar().nullable(),
    rank: integer().newest('rank'),
    seenAt: timestamp().max(),
  },
  { key: ['widgetId'], onConflict: 'merge' },
);
const widgetsV2 = table(
  'widgets',
  {
    widgetId: varchar(),
    label: varchar().nullable(),
    rank: integer().newest('rank'),
    // The added column: a running total, so its merge is max; rows of files made before take 0.
    weightGrams: bigint().max().default(0).addedLater(),
    seenAt: timestamp().max(),
  },
  { key: ['widgetId'], onConflict: 'merge' },
);
type Widget = Row<typeof widgetsV2>;

async function open(file: string, t: Table<unknown>): Promise<{ conn: DuckDBConnection; close: () => void }> {
  const instance = await DuckDBInstance.create(file);
  const conn = await instance.connect();
  await conn.run(createSql(t));
  await conn.run(stageSql(t));
  return { conn, close: () => (conn.closeSync(), instance.closeSync()) };
}

async function put<R>(conn: DuckDBConnection, t: Table<R>, ...rows: R[]): Promise<void> {
  const batch = new TableRows(t);
  for (const row of rows) batch.put(row);
  await writeRows(conn, batch);
}

const read = async (conn: DuckDBConnection, t: Table<unknown>) => (await conn.runAndReadAll(selectRowsSql(t))).getRowObjectsJS().map(plain);

describe('a table declared once', () => {
  it('derives the DDL, the upgrade, the stage table, the upsert and the merge, and an added column follows in each', () => {
    expect(createSql(widgetsV1)).not.toContain('weight_grams');
    expect(createSql(widgetsV2)).toContain('  weight_grams bigint not null default 0,\n');
    // Older files get it by the upgrade, without `not null` (their rows take the default).
    expect(createSql(widgetsV2)).toContain('alter table widgets add column if not exists weight_grams bigint default 0;');
    expect(stageSql(widgetsV2)).toBe(
      'create temp table if not exists stage_widgets (widget_id varchar, label varchar, rank integer, weight_grams bigint, seen_at varchar);',
    );
    const upsert = upsertSql(widgetsV2);
    expect(upsert).toContain(
      'insert into widgets (widget_id, label, rank, weight_grams, seen_at) select widget_id, label, rank, weight_grams, cast(seen_at as timestamp)',
    );
    expect(upsert).toContain('weight_grams = greatest(widgets.weight_grams, excluded.weight_grams)');
    expect(upsert).toContain('label = coalesce(widgets.label, excluded.label)');
    expect(upsert).toContain('rank = case when excluded.rank > widgets.rank then excluded.rank else widgets.rank end');
    expect(upsertSql(widgetsV1)).not.toContain('weight_grams');

    const kept: Widget = { widgetId: 'w1', label: null, rank: 2, weightGrams: 500, seenAt: '2026-12-01T10:00:00.000Z' };
    const incoming: Widget = { widgetId: 'w1', label: 'Sprocket', rank: 1, weightGrams: 700, seenAt: '2026-12-01T09:00:00.000Z' };
    expect(mergeRows(widgetsV2, kept, incoming)).toEqual({ widgetId: 'w1', label: 'Sprocket', rank: 2, weightGrams: 700, seenAt: '2026-12-01T10:00:00.000Z' });
  });

  it('writes and reads the added column through a real DuckDB file, one made before it included', async () => {
    const file = join(dir, 'widgets.duckdb');
    const v1 = await open(file, widgetsV1);
    await put(v1.conn, widgetsV1, { widgetId: 'w0', label: 'Old', rank: 1, seenAt: '2026-11-30T08:00:00.000Z' });
    v1.close();

    // The same file under the second declaration: the column is added at the end of the file's table,
    // while the declaration has it in the middle; names, not positions, carry each value to its column.
    const v2 = await open(file, widgetsV2);
    const columns = (
      await v2.conn.runAndReadAll(`select column_name from information_schema.columns where table_name = 'widgets' order by ordinal_position`)
    ).getRowObjectsJS();
    expect(columns.map((c) => c.column_name)).toEqual(['widget_id', 'label', 'rank', 'seen_at', 'weight_grams']);
    await put(
      v2.conn,
      widgetsV2,
      { widgetId: 'w1', label: null, rank: 1, weightGrams: 250, seenAt: '2026-12-01T09:00:00.000Z' },
      // Merged in the batch by the declaration before it meets the stored row.
      { widgetId: 'w1', label: 'Sprocket', rank: 3, weightGrams: 200, seenAt: '2026-12-01T10:00:00.000Z' },
      { widgetId: 'w0', label: 'Renamed?', rank: 0, weightGrams: 90, seenAt: '2026-11-30T07:00:00.000Z' },
    );
    expect(await read(v2.conn, widgetsV2)).toEqual([
      // The old row took the default, then the max with 90; its label stays (first known), its rank (newer wins).
      { widgetId: 'w0', label: 'Old', rank: 1, weightGrams: 90, seenAt: '2026-11-30T08:00:00.000Z' },
      { widgetId: 'w1', label: 'Sprocket', rank: 3, weightGrams: 250, seenAt: '2026-12-01T10:00:00.000Z' },
    ]);
    // Written again: nothing changes (every merge is idempotent).
    await put(v2.conn, widgetsV2, { widgetId: 'w1', label: 'Sprocket', rank: 3, weightGrams: 250, seenAt: '2026-12-01T10:00:00.000Z' });
    expect((await read(v2.conn, widgetsV2)).length).toBe(2);
    v2.close();
  });

  it('refuses a declaration whose key or merge names a missing or nullable column, or an added column without a default', () => {
    expect(() => table('t', { a: varchar().nullable() }, { key: ['a'], onConflict: 'keep' })).toThrow(/the key names a, which may be null/);
    expect(() => table('t', { a: varchar(), b: varchar().newest('c') }, { key: ['a'], onConflict: 'merge' })).toThrow(
      /b's merge names c, which is not a column/,
    );
    expect(() => table('t', { a: varchar(), b: bigint().addedLater() }, { key: ['a'], onConflict: 'merge' })).toThrow(/needs a default or null/);
  });

  it('indexes only part of a key (a key field never changes once written; the whole key has its own index), for new and older files alike', () => {
    expect(() => table('t', { a: varchar(), n: integer(), b: bigint().max() }, { key: ['a', 'n'], onConflict: 'merge', indexes: ['b'] })).toThrow(
      /b is indexed, but only a key field can be/,
    );
    expect(() => table('t', { a: varchar(), b: bigint().max() }, { key: ['a'], onConflict: 'merge', indexes: ['a'] })).toThrow(/the whole key/);
    const t = table('t', { orderId: varchar(), n: integer() }, { key: ['orderId', 'n'], onConflict: 'keep', indexes: ['orderId'] });
    // `if not exists`: run at every open, it builds the index once, on the rows a file made before it holds.
    expect(createSql(t)).toContain('\ncreate index if not exists t_by_order_id on t (order_id);');
    expect(createSql(widgetsV2)).not.toContain('create index');
  });

  it('makes append-only only a table keyed by the stream sequence, with its columns where the file has them', () => {
    expect(() => table('t', { a: varchar() }, { key: ['a'], onConflict: 'keep', appendOnly: true })).toThrow(/keyed by the stream sequence/);
    expect(() =>
      table('t', { a: varchar(), seq: bigint(), b: bigint().nullable().addedLater() }, { key: ['a', 'seq'], onConflict: 'keep', appendOnly: true }),
    ).toThrow(/cannot have columns added later/);
    expect(table('t', { a: varchar(), seq: bigint() }, { key: ['a', 'seq'], onConflict: 'keep', appendOnly: true }).appendOnly).toBe(true);
  });
});
