import { join } from 'node:path';
import { z } from 'zod';
import type { NatsCredentials } from '../../shared/events/bus.js';

/** The events stream a backup records and a restore republishes into, and who to sign in as there. */
export interface NatsTarget {
  url: string;
  stream: string;
  credentials?: NatsCredentials | undefined;
}

// A backup is one directory (or its .tar.gz, with a `.sha256` file beside it): the database as a
// pg_dump custom-format archive, Keycloak's database likewise when given, a copy of the DuckDB file if
// there is one, every stored document (object) of the bucket when the S3 settings are given, and the
// manifest: the SHA-256 of every file, the row count of every table (read in pg_dump's own snapshot),
// each document's key, and the event stream's position. Every file is sealed with age to the
// configured recipients (`<name>.age`), the
// manifest too: only whoever holds an identity reads it, and a manifest that a restore accepts can only
// have been written by someone who had the recipients (an age header does not name them). Plaintext
// is written, and read back, only on an explicit `plaintext`. Files are 0600, directories 0700, and
// the dump never touches the disk unencrypted: pg_dump writes to a pipe that is sealed as it comes.
// The DuckDB copy is a convenience: OLAP can always be rebuilt from the event stream.

export const names = {
  manifest: 'manifest.json',
  dump: 'postgres.dump',
  keycloak: 'keycloak.dump',
  olap: 'olap/erpbi.duckdb',
  wal: 'olap/erpbi.duckdb.wal',
  documents: 'documents',
} as const;
/** A document's file in the backup: its place in the listing, not its key (a key may hold any character). */
export const documentFile = (i: number) => `${names.documents}/${String(i).padStart(6, '0')}`;
export const sealed = '.age';
export const stored = (name: string, encrypted: boolean) => (encrypted ? `${name}${sealed}` : name);
/** The files a backup may hold: a manifest naming anything else is refused (no path leaves the backup). */
const storedFile = z.string().regex(/^(postgres\.dump|keycloak\.dump|olap\/erpbi\.duckdb(\.wal)?|documents\/\d{6,})(\.age)?$/);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const count = z.number().int().nonnegative();

const streamPosition = z.object({ name: z.string(), firstSeq: z.number().int(), lastSeq: z.number().int(), messages: z.number().int() });
export type StreamPosition = z.infer<typeof streamPosition>;

/** What a stored file holds before sealing: its size and SHA-256 (checked again as a restore reads it). */
const content = z.object({ file: storedFile, bytes: count, sha256: sha256Hex }).strict();
export type Content = z.infer<typeof content>;

/** A database's dump: its file's content, and the rows of every table in the dump's snapshot. */
const databaseDump = content.extend({ format: z.literal('pg_dump-custom'), rows: z.record(z.string(), count) }).strict();
export type DatabaseDump = z.infer<typeof databaseDump>;
/** A stored document: its key in the bucket, its content type, and its file in the backup. */
const documentEntry = content.extend({ key: z.string().min(1), contentType: z.string().nullable() }).strict();
export type DocumentEntry = z.infer<typeof documentEntry>;

const manifestParts = z.object({
  createdAt: z.string(),
  /** Recipients the files were sealed to; null for a `--plaintext` backup. */
  encryption: z
    .object({ scheme: z.literal('age'), recipients: z.array(z.string()).min(1) })
    .strict()
    .nullable(),
  /** Every file of the backup as stored (the manifest aside): checked before a restore touches anything. */
  files: z.record(storedFile, z.object({ bytes: count, sha256: sha256Hex }).strict()),
  /** erpbi's database. */
  database: databaseDump,
  /** Keycloak's database (its users, their credentials and roles), dumped as its own role; null when not asked for. */
  keycloak: databaseDump.nullable(),
  olap: z.object({ db: content, wal: content.nullable() }).strict().nullable(),
  stream: streamPosition.nullable(),
  /** Every object of the documents' bucket; null when the backup was not given the S3 settings. */
  documents: z
    .object({ bucket: z.string().min(1), objects: z.array(documentEntry) })
    .strict()
    .nullable(),
});
/** The format this erpbi writes. Format 2 (before Keycloak's database and the documents) is still read, as a backup without them. */
export const manifestFormat = 3;
export const manifestSchema = z.union([
  manifestParts.extend({ format: z.literal(manifestFormat) }).strict(),
  manifestParts
    .omit({ keycloak: true, documents: true })
    .extend({ format: z.literal(2) })
    .strict()
    .transform((m) => ({ ...m, keycloak: null, documents: null })),
]);
export type Manifest = z.output<typeof manifestSchema>;

/** A backup that must not be restored: damaged, altered, cut short, or not for this identity. Nothing was restored. */
export class BackupRefused extends Error {
  constructor(message: string) {
    super(`refused: ${message}; nothing was restored`);
    this.name = 'BackupRefused';
  }
}

/** The DuckDB file of a box: the projector and this module agree on this path and nothing else. */
export function olapFile(dataDir: string): string {
  return join(dataDir, 'olap', 'erpbi.duckdb');
}

/** The DuckDB snapshot's files (the database and, when there was one, its WAL) of a backup. */
export const olapParts = (m: Manifest): Content[] => (m.olap ? [m.olap.db, m.olap.wal].filter((c): c is Content => !!c) : []);
export const olapBytes = (m: Manifest) => olapParts(m).reduce((sum, c) => sum + c.bytes, 0);
