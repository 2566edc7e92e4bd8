import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { olapStream } from '../tests/support/olap-stream.js';
import { foldBatch, type BatchChanges } from './fold.js';
import { factTables } from './schema.js';
import { plain, OlapStore } from './store.js';
import type { Table } from './tables/declare.js';
import { keyOf } from './tables/rows.js';
import { selectRowsSql } from './tables/sql.js';

// Every declared fact table (olap/schema.ts) as a whole: a batch's events folded in any order of
// arrival give the same rows, and the stream applied in batches of any size leaves in DuckDB exactly
// what folding it in one go gives. The tables are read from their declarations, so a table or column
// added later is held to the same without touching this test.

const dir = mkdtempSync(join(tmpdir(), 'erpbi-olap-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stream = olapStream;

const byKey = (t: Table<unknown>, rows: unknown[]) => [...rows].sort((a, b) => (keyOf(t, a) < keyOf(t, b) ? -1 : 1));
const tables = Object.entries(factTables) as [keyof typeof factTables, Table<unknown>][];

/** Every fact table's rows of a folded batch, by key. */
const folded = (c: BatchChanges) => Object.fromEntries(tables.map(([name, t]) => [name, byKey(t, [...c[name].values()])]));

async function stored(store: OlapStore) {
  const out: Record<string, unknown[]> = {};
  for (const [name, t] of tables) out[name] = byKey(t, (await store.query({ sql: selectRowsSql(t), values: [] })).rows.map(plain));
  return out;
}

describe('every declared table, whatever the order and the batches', () => {
  const whole = folded(foldBatch(stream, 0));

  it('touches every table', () => {
    for (const [name] of tables) expect(whole[name], name).not.toHaveLength(0);
  });

  it('folds the same rows whatever order the events of a batch arrive in', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(stream, { minLength: stream.length, maxLength: stream.length }), (arrived) => {
        expect(folded(foldBatch(arrived, 0))).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('stores what folding the whole stream at once gives, in batches of any size', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: stream.length }), async (sizes) => {
        const store = new OlapStore(join(dir, `batches-${(n += 1)}.duckdb`));
        try {
          let from = 0;
          for (let i = 0; from < stream.length; i += 1) {
            const size = sizes[i % sizes.length]!;
            await store.apply(stream.slice(from, from + size));
            from += size;
          }
          expect(await stored(store)).toEqual(whole);
        } finally {
          await store.close();
        }
      }),
      { numRuns: 8 },
    );
  });
});
