import pkg from '../package.json' with { type: 'json' };

// What an export of the OLAP tables to Parquet says about itself (olap/export-parquet.ts): the manifest
// beside the files, and the pointer to the newest export, written last. Pure, so the names and the
// shape are checked without storage (export-manifest.test.ts); readers elsewhere (ClickHouse, Trino,
// DuckDB) rely on them, so a change here is a change of that contract (docs/object-storage.md).

/** Where every export goes, under the export bucket: `olap/<stamp>/<table>/part-<n>.parquet`, `olap/latest.json`. */
export const exportRoot = 'olap';
export const latestKey = `${exportRoot}/latest.json`;
export const manifestVersion = 1;

export interface ExportedColumn {
  name: string;
  /** DuckDB's type name (VARCHAR, BIGINT, INTEGER, TIMESTAMP, DATE): Parquet's logical type follows from it. */
  type: string;
}

/** One Parquet file of a table: its key in the bucket, its rows and size. */
export interface ExportedFile {
  key: string;
  rows: number;
  bytes: number;
}

export interface ExportedTable {
  table: string;
  /** The table's folder: every file in it is the table's (`<location>*.parquet`). */
  location: string;
  rows: number;
  bytes: number;
  columns: ExportedColumn[];
  files: ExportedFile[];
}

export interface ExportManifest {
  manifestVersion: number;
  erpbiVersion: string;
  /** When the snapshot was taken, UTC ISO 8601. */
  exportedAt: string;
  bucket: string;
  prefix: string;
  format: 'parquet';
  compression: 'zstd';
  /**
   * The tables hold every event of the stream up to and including `seq` (its stream sequence) and
   * nothing after it: all of them were read in one DuckDB snapshot. `eventTime`: when the last of
   * those events happened.
   */
  complete: { seq: number; eventTime: string | null };
  tables: ExportedTable[];
}

/** The pointer readers start from; replaced only once the export it names is whole. */
export interface LatestExport {
  manifest: string;
  prefix: string;
  exportedAt: string;
  seq: number;
}

export const erpbiVersion: string = pkg.version;

/**
 * The folder of one export: its instant with the colons left out (`2026-12-07T160501.123Z`), which
 * sorts as time does and needs no escaping in an S3 URL, a glob or a Hive path.
 */
export function exportPrefix(exportedAt: Date): string {
  return `${exportRoot}/${exportedAt.toISOString().replace(/:/g, '')}/`;
}

/**
 * A folder per table, of one or more parts (`olap/<stamp>/orders/part-00000.parquet`): Trino's Hive
 * connector and Spark take a table's location as a folder of files; ClickHouse and DuckDB read
 * `<folder>*.parquet`. Parts, because one DuckDB COPY of a large table holds far more memory than
 * its parts do in turn (olap/export-parquet.ts, partRows).
 */
export function tableLocation(prefix: string, table: string): string {
  return `${prefix}${table}/`;
}

export function partKey(location: string, part: number): string {
  return `${location}part-${String(part).padStart(5, '0')}.parquet`;
}

export function latestOf(m: ExportManifest): LatestExport {
  return { manifest: `${m.prefix}manifest.json`, prefix: m.prefix, exportedAt: m.exportedAt, seq: m.complete.seq };
}
