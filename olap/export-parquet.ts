import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Table } from './tables/declare.js';
import { factTables } from './schema.js';
import { rollupTables } from './tables/rollups.js';
import type { OlapStore } from './store.js';
import { erpbiVersion, exportPrefix, manifestVersion, latestKey, latestOf, tableKey, type ExportManifest, type ExportedColumn } from './export-manifest.js';
import type { ExportTarget } from './export-target.js';

// The OLAP tables as Parquet in object storage, for engines beyond DuckDB (ClickHouse's s3 table
// function, Trino's Hive connector, DuckDB elsewhere: docs/object-storage.md, "The OLAP export").
// DuckDB writes each file itself (COPY ... TO, its parquet extension is built in: no download);
// every table is read in one snapshot (OlapStore.snapshot), so the tables agree with each other and
// with the manifest's watermark. The files go up first, then the manifest, then olap/latest.json:
// a reader that starts from latest.json never sees half an export.

/** Every fact table and rollup; the watermark's one row is the manifest's `complete`. */
export const exportedTables: readonly Table<unknown>[] = [...Object.values(factTables), ...rollupTables];

const parquetType = 'application/vnd.apache.parquet';
const quoted = (text: string) => `'${text.replace(/'/g, "''")}'`;

interface Written {
  table: string;
  path: string;
  rows: number;
  columns: ExportedColumn[];
}

async function writeFiles(reader: DuckDBConnection, dir: string): Promise<Written[]> {
  const out: Written[] = [];
  for (const t of exportedTables) {
    const path = join(dir, `${t.name}.parquet`);
    // COPY answers the number of rows it wrote. DuckDB streams the table into row groups: the file
    // never sits in memory whole, and spills past OLAP_MEMORY_LIMIT as any query does.
    const copied = await reader.runAndReadAll(`copy (select * from "${t.name}") to ${quoted(path)} (format parquet, compression zstd)`);
    const columns = await reader.runAndReadAll(
      `select column_name as name, data_type as type from information_schema.columns where table_schema = 'main' and table_name = $1 order by ordinal_position`,
      [t.name],
    );
    out.push({
      table: t.name,
      path,
      rows: Number(copied.getRows()[0]?.[0] ?? 0),
      columns: columns.getRows().map(([name, type]) => ({ name: String(name), type: String(type) })),
    });
  }
  return out;
}

/**
 * Exports every table to `target` under `olap/<exportedAt>/` and points `olap/latest.json` at it last.
 * The files are written beside the DuckDB file (its volume has room for them; /tmp in the container is
 * memory) and removed after, uploaded or not.
 */
export async function exportParquet(store: OlapStore, target: ExportTarget, now: () => Date = () => new Date()): Promise<ExportManifest> {
  const exportedAt = now();
  const prefix = exportPrefix(exportedAt);
  const dir = join(dirname(store.file), `export-${exportedAt.getTime()}`);
  mkdirSync(dir, { recursive: true });
  try {
    const { files, complete } = await store.snapshot(async (reader, asOf) => ({ files: await writeFiles(reader, dir), complete: asOf }));
    const tables: ExportManifest['tables'] = [];
    for (const f of files) {
      const key = tableKey(prefix, f.table);
      const bytes = await target.putFile(key, f.path, parquetType);
      tables.push({ table: f.table, key, rows: f.rows, bytes, columns: f.columns });
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
    return manifest;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
