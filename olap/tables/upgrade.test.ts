import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { olapStream } from '../../tests/support/olap-stream.js';
import { allTables } from '../schema.js';
import * as q from '../queries.js';
import { OlapStore } from '../store.js';
import { indexName, selectRowsSql } from './sql.js';

// Files in the field were made by the hand-written schema the declarations replaced (kept as it was in
// tests/fixtures/olap/). Such a file opens, has every declared table in the same shape as a new file,
// and takes the same batches to the same rows.

const dir = mkdtempSync(join(tmpdir(), 'erpbi-olap-upgrade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const oldSchema = readFileSync(new URL('../../tests/fixtures/olap/schema-d0979e6.sql', import.meta.url), 'utf8');

const read = async (store: OlapStore, sql: string) => (await store.query({ sql, values: [] })).rows;
// Columns by name (a column added later sits at the end of an older file's table), keys and not-nulls.
const shape = async (store: OlapStore) => ({
  columns: await read(
    store,
    `select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns
    where table_catalog = current_database() and table_schema = 'main' order by table_name, column_name`,
  ),
  constraints: await read(
    store,
    `select table_name, constraint_type, list_sort(constraint_column_names) as columns from duckdb_constraints()
    where database_name = current_database() order by all`,
  ),
  // The declared lookups' indexes (olap/tables/declare.ts `indexes`), built on the older file's rows as it opens.
  indexes: await read(
    store,
    `select table_name, index_name, is_unique, expressions from duckdb_indexes() where database_name = current_database() order by all`,
  ),
});

const contents = async (store: OlapStore) => {
  const out: Record<string, unknown> = {};
  for (const t of allTables) if (t.name !== 'watermark') out[t.name] = (await store.query({ sql: selectRowsSql(t), values: [] })).rows;
  return out;
};

interface PlanNode {
  operator_type?: string;
  extra_info?: { Table?: string; Type?: string };
  children?: PlanNode[];
}
/** Every table scan of an analyzed plan (EXPLAIN (ANALYZE, FORMAT json)): the table and how it was read. */
const tableScans = (node: PlanNode): { table: string; type: string }[] => [
  ...(node.operator_type === 'TABLE_SCAN' ? [{ table: String(node.extra_info?.Table), type: String(node.extra_info?.Type) }] : []),
  ...(node.children ?? []).flatMap(tableScans),
];

describe('a DuckDB file made before the tables were declared', () => {
  it('opens with every declared table in the shape of a new file, and takes the same batches to the same rows', async () => {
    const oldFile = join(dir, 'old.duckdb');
    const made = await DuckDBInstance.create(oldFile);
    const conn = await made.connect();
    await conn.run(oldSchema);
    conn.closeSync();
    made.closeSync();

    const old = new OlapStore(oldFile);
    const fresh = new OlapStore(join(dir, 'new.duckdb'));
    try {
      const declared = await shape(fresh);
      expect(new Set(declared.columns.map((c) => c.table_name))).toEqual(new Set(allTables.map((t) => t.name)));
      expect(declared.constraints.filter((c) => c.constraint_type === 'PRIMARY KEY')).toHaveLength(allTables.length);
      expect(declared.indexes.map((i) => `${String(i.table_name)}.${String(i.index_name)}`)).toEqual(
        allTables.flatMap((t) => t.indexes.map((field) => `${t.name}.${indexName(t, field)}`)).sort(),
      );
      expect(declared.indexes.length).toBeGreaterThanOrEqual(2);
      expect(await shape(old)).toEqual(declared);
      for (const store of [old, fresh]) {
        await store.apply(olapStream.slice(0, 9));
        await store.apply(olapStream.slice(9));
      }
      expect(await contents(old)).toEqual(await contents(fresh));
      expect((await old.watermark()).seq).toBe(olapStream.length);
    } finally {
      await old.close();
      await fresh.close();
    }
  });

  it('with rows, made before the indexes: builds them as it opens, and the order queries read through them', async () => {
    const file = join(dir, 'unindexed.duckdb');
    const before = new OlapStore(file);
    await before.apply(olapStream);
    const orderId = String((await read(before, `select order_id from orders order by order_id limit 1`))[0]!.order_id);
    const answers = async (store: OlapStore) => [
      (await store.query(q.projectedOrder(orderId), { fresh: true })).rows,
      (await store.query(q.orderTimeline(orderId), { fresh: true })).rows,
    ];
    const expected = await answers(before);
    await before.close();
    // As a file made before the declarations had indexes.
    const made = await DuckDBInstance.create(file);
    const conn = await made.connect();
    for (const t of allTables) for (const field of t.indexes) await conn.run(`drop index ${indexName(t, field)}`);
    expect((await conn.runAndReadAll(`select count(*)::integer from duckdb_indexes()`)).getRows()).toEqual([[0]]);
    conn.closeSync();
    made.closeSync();

    const after = new OlapStore(file);
    try {
      expect((await read(after, `select index_name from duckdb_indexes() order by all`)).map((r) => r.index_name)).toEqual([
        'order_events_by_order_id',
        'order_lines_by_order_id',
      ]);
      expect(await answers(after)).toEqual(expected);
      expect((expected[0]![0] as { lines: unknown[] }).lines.length).toBeGreaterThan(0);
      expect(expected[1]!.length).toBeGreaterThan(1);
      // DuckDB picks an index scan as the scan starts (EXPLAIN ANALYZE says which): each table an order's
      // query reads is read through an index, its primary key's or a declared one, never scanned whole.
      for (const named of [q.projectedOrder(orderId), q.orderTimeline(orderId)]) {
        const explained = await after.query({ sql: `explain (analyze, format json) ${named.sql}`, values: named.values }, { fresh: true });
        const scans = tableScans(JSON.parse(String(explained.rows[0]!.explain_value)));
        expect(scans.length).toBeGreaterThan(0);
        for (const scan of scans) expect(`${scan.table}: ${scan.type}`).toMatch(/: Index Scan$/);
      }
    } finally {
      await after.close();
    }
  });
});
