import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { shownColumns, type Table } from './tables/declare.js';
import { factTables } from './schema.js';
import { rollupTables } from './tables/rollups.js';
import type { OlapStore } from './store.js';
import {
  erpbiVersion,
  exportPrefix,
  latestKey,
  latestOf,
  manifestVersion,
  partKey,
  tableLocation,
  type ExportManifest,
  type ExportedColumn,
} from './export-manifest.js';
import type { ExportTarget } from './export-target.js';
import { pruneExports } from './export-prune.js';
import type { Logger } from '../shared/log.js';

// The OLAP tables as Parquet in object storage, for engines beyond DuckDB (ClickHouse's s3 table
// function, Trino's Hive connector, DuckDB elsewhere: docs/object-storage.md, "The OLAP export").
// DuckDB writes each file itself (COPY ... TO, its parquet extension is built in: no download);
// every table is read in one snapshot (OlapStore.snapshot), so the tables agree with each other and
// with the manifest's watermark. The files go up first, then the manifest, then olap/latest.json:
// a reader that starts from latest.json never sees half an export.

/** Every fact table and rollup; the watermark's one row is the manifest's `complete`. */
export const exportedTables: readonly Table<unknown>[] = [...Object.values(factTables), ...rollupTables];

/**
 * Rows per Parquet file. One COPY of a whole 400,000-row table (order_events at 100k orders) took the
 * process's RSS up by ~400 MB with OLAP_MEMORY_LIMIT 256MB and 2 threads (DuckDB keeps a parallel
 * COPY's row groups in insertion order); parts of 50,000 rows, written in turn, kept the whole export
 * at ~+200 MB, inside DuckDB's own budget in the projector's 512 MB.
 */
export const partRows = 50_000;

const parquetType = 'application/vnd.apache.parquet';
const quoted = (text: string) => `'${text.replace(/'/g, "''")}'`;

interface WrittenPart {
  path: string;
  rows: number;
}

interface Written {
  table: string;
  columns: ExportedColumn[];
  parts: WrittenPart[];
}

/**
 * A table's rows in parts of `size` rows (the last one fewer), cut at the rowid of every `size`-th row:
 * rowids are stable within the snapshot but not dense (an upsert gives a row a new one), so ranges of
 * rowids alone would leave parts short or empty. A table with no rows still gets one file, its columns
 * for the readers.
 */
async function writeTable(reader: DuckDBConnection, t: Table<unknown>, dir: string, size: number): Promise<Written> {
  // What a reader sees, as the named queries do: not the `was` columns, which depend on how the events were batched.
  const shown = shownColumns(t).map((c) => c.column);
  const starts = (
    await reader.runAndReadAll(
      `select rowid from (select rowid, row_number() over (order by rowid) - 1 as n from "${t.name}") where n % ${size} = 0 order by rowid`,
    )
  )
    .getRows()
    .map(([rowid]) => Number(rowid));
  const ranges = starts.length === 0 ? [[0, 0]] : starts.map((from, i) => [from, starts[i + 1] ?? Number.MAX_SAFE_INTEGER]);
  const parts: WrittenPart[] = [];
  for (const [from, to] of ranges) {
    const path = join(dir, `${t.name}-${parts.length}.parquet`);
    // COPY answers the number of rows it wrote.
    const copied = await reader.runAndReadAll(
      `copy (select ${shown.map((c) => `"${c}"`).join(', ')} from "${t.name}" where rowid >= ${from} and rowid < ${to}) to ${quoted(path)} (format parquet, compression zstd)`,
    );
    parts.push({ path, rows: Number(copied.getRows()[0]?.[0] ?? 0) });
  }
  const columns = await reader.runAndReadAll(
    `select column_name, data_type from information_schema.columns where table_schema = 'main' and table_name = $1 order by ordinal_position`,
    [t.name],
  );
  const types = new Map(columns.getRows().map(([name, type]) => [String(name), String(type)]));
  return { table: t.name, columns: shown.map((name) => ({ name, type: types.get(name)! })), parts };
}

/**
 * Exports every table to `target` under `olap/<exportedAt>/` and points `olap/latest.json` at it last;
 * then removes the exports beyond the newest `target.keep`.
 * The files are written beside the DuckDB file (its volume has room for them; /tmp in the container is
 * memory) and removed after, uploaded or not.
 */
export async function exportParquet(
  store: OlapStore,
  target: ExportTarget,
  opts: { now?: () => Date; partRows?: number; log?: Logger } = {},
): Promise<ExportManifest> {
  const exportedAt = (opts.now ?? (() => new Date()))();
  const prefix = exportPrefix(exportedAt);
  const dir = join(dirname(store.file), `export-${exportedAt.getTime()}`);
  mkdirSync(dir, { recursive: true });
  try {
    const { written, complete } = await store.snapshot(async (reader, asOf) => {
      const out: Written[] = [];
      for (const t of exportedTables) out.push(await writeTable(reader, t, dir, opts.partRows ?? partRows));
      return { written: out, complete: asOf };
    });
    const tables: ExportManifest['tables'] = [];
    for (const w of written) {
      const location = tableLocation(prefix, w.table);
      const files: ExportManifest['tables'][number]['files'] = [];
      for (const [i, part] of w.parts.entries()) {
        const key = partKey(location, i);
        files.push({ key, rows: part.rows, bytes: await target.putFile(key, part.path, parquetType) });
      }
      const sum = (f: 'rows' | 'bytes') => files.reduce((a, x) => a + x[f], 0);
      tables.push({ table: w.table, location, rows: sum('rows'), bytes: sum('bytes'), columns: w.columns, files });
    }
    const manifest: ExportManifest = {
      manifestVersion,
      erpbiVersion,
      exportedAt: exportedAt.toISOString(),
      bucket: target.bucket,
      prefix,
      format: 'parquet',
      compression: 'zstd',
      complete,
      tables,
    };
    await target.putJson(`${prefix}manifest.json`, manifest);
    await target.putJson(latestKey, latestOf(manifest));
    const removed = await pruneExports(target, target.keep, opts.log);
    if (removed.length > 0) opts.log?.info({ removed }, 'old OLAP exports removed');
    return manifest;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
