import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { olapStream } from '../../tests/support/olap-stream.js';
import { allTables } from '../schema.js';
import { OlapStore } from '../store.js';
import { selectRowsSql } from './sql.js';

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
});

const contents = async (store: OlapStore) => {
  const out: Record<string, unknown> = {};
  for (const t of allTables) if (t.name !== 'watermark') out[t.name] = (await store.query({ sql: selectRowsSql(t), values: [] })).rows;
  return out;
};

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
});
