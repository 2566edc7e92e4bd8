import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { plain } from '../store.js';
import { bigint, date, integer, table, timestamp, varchar, type Row, type Table } from './declare.js';
import { mergeRows, TableRows } from './rows.js';
import { createSql, selectRowsSql, stageSql } from './sql.js';
import { writeRows } from './write.js';

// Each merge rule runs twice: in the fold (JS, rows.ts) and in the upsert (SQL, sql.ts). Both come from
// one declaration; this holds them to the same answer for any versions of a row, however the versions
// are split between batches (the fold merges a batch's, the upsert merges the batch into the store).

const dir = mkdtempSync(join(tmpdir(), 'erpbi-olap-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const byRankThenTick = ['rank', 'tick'];
const probe = table(
  'probe',
  {
    id: varchar(),
    known: varchar().nullable(),
    latest: bigint().nullable().last(),
    most: bigint().nullable().max(),
    lastSeen: timestamp().nullable().max(),
    day: date().nullable(),
    rank: integer().newest(...byRankThenTick),
    tick: bigint().newest(...byRankThenTick),
    follows: varchar()
      .nullable()
      .newest(...byRankThenTick),
  },
  { key: ['id'], onConflict: 'merge' },
);

const facts = table('facts', { id: varchar(), n: integer(), note: varchar().nullable() }, { key: ['id', 'n'], onConflict: 'keep' });

// A table indexed on part of its key (declare.ts `indexes`), as order_lines and order_events are, but
// merged: DuckDB's ART indexes have limits when indexed rows are updated (an update of an indexed
// column becomes a delete and an insert, checked too eagerly); the upserts must still merge every row.
const lines = table(
  'lines',
  {
    orderId: varchar(),
    n: integer(),
    most: bigint().max(),
    follows: varchar().nullable().newest('most'),
  },
  { key: ['orderId', 'n'], onConflict: 'merge', indexes: ['orderId'] },
);

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const instant = fc.integer({ min: 0, max: 86_400 }).map((s) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString());
const probeRow: fc.Arbitrary<Row<typeof probe>> = fc.record({
  id: fc.constant('p1'),
  known: maybe(fc.constantFrom('a', 'b')),
  latest: maybe(fc.integer({ min: -5, max: 5 })),
  most: maybe(fc.integer({ min: -1_000_000, max: 1_000_000 })),
  lastSeen: maybe(instant),
  day: maybe(fc.constantFrom('2026-01-01', '2026-02-28')),
  rank: fc.integer({ min: 0, max: 2 }),
  tick: fc.integer({ min: 0, max: 2 }),
  follows: maybe(fc.constantFrom('x', 'y', 'z')),
});
const lineRow: fc.Arbitrary<Row<typeof lines>> = fc.record({
  orderId: fc.constantFrom('o1', 'o2'),
  n: fc.integer({ min: 1, max: 3 }),
  most: fc.integer({ min: 0, max: 9 }),
  follows: maybe(fc.constantFrom('x', 'y')),
});
const factRow: fc.Arbitrary<Row<typeof facts>> = fc.record({ id: fc.constant('f'), n: fc.integer({ min: 1, max: 2 }), note: maybe(fc.constantFrom('q', 'r')) });

/** A fresh table in a DuckDB file; `write` puts rows as one batch (merged by the fold, then upserted). */
async function withTable<R>(
  t: Table<R>,
  run: (write: (rows: R[]) => Promise<void>, read: () => Promise<unknown[]>, clear: () => Promise<void>, conn: DuckDBConnection) => Promise<void>,
) {
  const instance = await DuckDBInstance.create(join(dir, `${t.name}.duckdb`));
  const conn = await instance.connect();
  await conn.run(createSql(t));
  await conn.run(stageSql(t));
  const write = async (rows: R[]) => {
    const batch = new TableRows(t);
    for (const row of rows) batch.put(row);
    await writeRows(conn, batch);
  };
  const read = async () => (await conn.runAndReadAll(selectRowsSql(t))).getRowObjectsJS().map(plain);
  try {
    await run(write, read, async () => void (await conn.run(`delete from ${t.name}`)), conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe('the merge rules, in the fold and in the upsert', () => {
  it('give the same row for any versions, split between batches anywhere', async () => {
    await withTable(probe, async (write, read, clear) => {
      await fc.assert(
        fc.asyncProperty(fc.array(probeRow, { minLength: 1, maxLength: 5 }), fc.nat(), async (versions, cut) => {
          await clear();
          const at = cut % (versions.length + 1);
          await write(versions.slice(0, at));
          await write(versions.slice(at));
          const expected = versions.reduce((kept, incoming) => mergeRows(probe, kept, incoming));
          expect(await read()).toEqual([expected]);
          // Idempotent: the last version written again (a redelivery) changes nothing.
          await write([versions[versions.length - 1]!]);
          expect(await read()).toEqual([expected]);
        }),
        { numRuns: 60 },
      );
    });
  });

  it('keep a fact as first written, in the batch and against the store', async () => {
    await withTable(facts, async (write, read, clear) => {
      await fc.assert(
        fc.asyncProperty(fc.array(factRow, { minLength: 1, maxLength: 4 }), fc.nat(), async (versions, cut) => {
          await clear();
          const at = cut % (versions.length + 1);
          await write(versions.slice(0, at));
          await write(versions.slice(at));
          const firsts = [1, 2].map((n) => versions.find((v) => v.n === n)).filter((v) => v !== undefined);
          expect(await read()).toEqual(firsts);
        }),
        { numRuns: 40 },
      );
    });
  });
  it('merge rows indexed by part of their key, updated in one batch and across batches, found by the index', async () => {
    await withTable(lines, async (write, read, clear, conn) => {
      // One order's rows as the index finds them (a filter on the indexed column alone), in key order.
      const byOrder = async (orderId: string) =>
        (await conn.runAndReadAll(`select order_id as "orderId", n, most, follows from lines where order_id = $1 order by n`, [orderId]))
          .getRowObjectsJS()
          .map(plain);
      await fc.assert(
        fc.asyncProperty(fc.array(lineRow, { minLength: 1, maxLength: 12 }), fc.nat(), async (versions, cut) => {
          await clear();
          const at = cut % (versions.length + 1);
          // The fold merges each batch's versions of a row (several per batch), the upsert merges them into the store's.
          await write(versions.slice(0, at));
          await write(versions.slice(at));
          const expected = new TableRows(lines);
          for (const v of versions) expected.put(v);
          const rows = [...expected.values()].sort((a, b) => a.orderId.localeCompare(b.orderId) || a.n - b.n);
          expect(await read()).toEqual(rows);
          for (const orderId of ['o1', 'o2']) expect(await byOrder(orderId)).toEqual(rows.filter((r) => r.orderId === orderId));
        }),
        { numRuns: 60 },
      );
      // Beyond one vector (2048 rows), where DuckDB checks a chunk's index entries before it has seen the
      // next: every row of 3,000 orders updated by a second batch, then again by a third.
      await clear();
      const many = (most: number) => Array.from({ length: 3000 }, (_, k) => ({ orderId: `m${k}`, n: 1 + (k % 2), most, follows: `v${most}` }));
      for (const most of [1, 2, 3]) await write(many(most));
      expect(await byOrder('m2999')).toEqual([{ orderId: 'm2999', n: 2, most: 3, follows: 'v3' }]);
      expect((await conn.runAndReadAll(`select count(*)::integer, min(most), max(most) from lines`)).getRows()).toEqual([[3000, 3n, 3n]]);
      // The lookup is the index's, not a scan of the table (DuckDB decides as the scan starts: EXPLAIN ANALYZE says).
      const plan = (await conn.runAndReadAll(`explain analyze select * from lines where order_id = $1`, ['m7'])).getRows().map((r) => String(r[1]));
      expect(plan.join('\n')).toMatch(/Type: Index Scan/);
    });
  });
});
