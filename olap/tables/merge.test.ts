import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
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
const factRow: fc.Arbitrary<Row<typeof facts>> = fc.record({ id: fc.constant('f'), n: fc.integer({ min: 1, max: 2 }), note: maybe(fc.constantFrom('q', 'r')) });

/** A fresh table in a DuckDB file; `write` puts rows as one batch (merged by the fold, then upserted). */
async function withTable<R>(
  t: Table<R>,
  run: (write: (rows: R[]) => Promise<void>, read: () => Promise<unknown[]>, clear: () => Promise<void>) => Promise<void>,
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
    await run(write, read, async () => void (await conn.run(`delete from ${t.name}`)));
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
});
