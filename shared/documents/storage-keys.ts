// Object storage is reached with one key pair per use, never one pair for all (docs/object-storage.md).
// The documents' bucket: `writer` puts PDFs (render-document; restore puts them back), `reader` gets and
// lists them (query; the backup). The OLAP export's bucket (OLAP_EXPORT_BUCKET, olap/export-parquet.ts):
// `olap-writer` puts the Parquet files (the projector), `olap-reader` gets and lists them (ClickHouse,
// Trino or DuckDB elsewhere; no erpbi process holds it). `admin` only creates both buckets (storage-init).
// The single source for the secret files' names:
// the installer writes them, SeaweedFS's identities are generated from them
// (cli/install/seaweedfs-identities.ts), stack.yml and compose mount them, and a process picks its
// pair by S3_KEYS (shared/config.ts).

export const storageKeyUses = ['writer', 'reader', 'admin', 'olap-writer', 'olap-reader'] as const;
export type StorageKeyUse = (typeof storageKeyUses)[number];

/** Pairs made for something outside the stack (an engine reading the exports): the installer makes them,
 *  SeaweedFS knows them, no service mounts them. */
export const outsideKeyUses: readonly StorageKeyUse[] = ['olap-reader'];

export function isStorageKeyUse(v: unknown): v is StorageKeyUse {
  return typeof v === 'string' && (storageKeyUses as readonly string[]).includes(v);
}

/** The two secret files holding a use's pair: `s3-<use>-access-key-id`, `s3-<use>-secret-access-key`. */
export function storageKeySecrets(use: StorageKeyUse): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: `s3-${use}-access-key-id`, secretAccessKey: `s3-${use}-secret-access-key` };
}
