import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { z } from 'zod';
// Encryption: `age-encryption` (typage), the TypeScript implementation of age by age's author. Chosen over
// Debian's `age` binary because it is pure JavaScript (nothing to apt-install on the Pi, in the service
// image or for `npm start` on any OS), it streams (ReadableStream in and out: a dump of hundreds of MB
// passes through in 64 KiB chunks, never whole in memory), and it writes the age format itself: with
// X25519 recipients (all `backup keygen` makes) Debian's `age -d -i key.txt` opens every file of a
// backup, so a disaster can be recovered without erpbi. No cryptography is written here: age does the
// sealing (X25519 + ChaCha20-Poly1305 STREAM, authenticated chunk by chunk), node:crypto the SHA-256.
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus, ensureStreams, type NatsCredentials } from '../shared/events/bus.js';
import { readConfig } from '../shared/config.js';
import { noProgress, type Progress, type StartProgress } from './progress.js';
import { listDocuments, readDocument, s3Client, writeDocument, type S3Target } from './backup-documents.js';

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

const names = { manifest: 'manifest.json', dump: 'postgres.dump', keycloak: 'keycloak.dump', olap: 'olap/erpbi.duckdb', wal: 'olap/erpbi.duckdb.wal', documents: 'documents' } as const;
/** A document's file in the backup: its place in the listing, not its key (a key may hold any character). */
const documentFile = (i: number) => `${names.documents}/${String(i).padStart(6, '0')}`;
const sealed = '.age';
const stored = (name: string, encrypted: boolean) => (encrypted ? `${name}${sealed}` : name);
/** The files a backup may hold: a manifest naming anything else is refused (no path leaves the backup). */
const storedFile = z.string().regex(/^(postgres\.dump|keycloak\.dump|olap\/erpbi\.duckdb(\.wal)?|documents\/\d{6,})(\.age)?$/);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const count = z.number().int().nonnegative();

const streamPosition = z.object({ name: z.string(), firstSeq: z.number().int(), lastSeq: z.number().int(), messages: z.number().int() });
export type StreamPosition = z.infer<typeof streamPosition>;

/** What a stored file holds before sealing: its size and SHA-256 (checked again as a restore reads it). */
const content = z.object({ file: storedFile, bytes: count, sha256: sha256Hex }).strict();
type Content = z.infer<typeof content>;

/** A database's dump: its file's content, and the rows of every table in the dump's snapshot. */
const databaseDump = content.extend({ format: z.literal('pg_dump-custom'), rows: z.record(z.string(), count) }).strict();
type DatabaseDump = z.infer<typeof databaseDump>;
/** A stored document: its key in the bucket, its content type, and its file in the backup. */
const documentEntry = content.extend({ key: z.string().min(1), contentType: z.string().nullable() }).strict();
type DocumentEntry = z.infer<typeof documentEntry>;

const manifestParts = z.object({
  createdAt: z.string(),
  /** Recipients the files were sealed to; null for a `--plaintext` backup. */
  encryption: z.object({ scheme: z.literal('age'), recipients: z.array(z.string()).min(1) }).strict().nullable(),
  /** Every file of the backup as stored (the manifest aside): checked before a restore touches anything. */
  files: z.record(storedFile, z.object({ bytes: count, sha256: sha256Hex }).strict()),
  /** erpbi's database. */
  database: databaseDump,
  /** Keycloak's database (its users, their credentials and roles), dumped as its own role; null when not asked for. */
  keycloak: databaseDump.nullable(),
  olap: z.object({ db: content, wal: content.nullable() }).strict().nullable(),
  stream: streamPosition.nullable(),
  /** Every object of the documents' bucket; null when the backup was not given the S3 settings. */
  documents: z.object({ bucket: z.string().min(1), objects: z.array(documentEntry) }).strict().nullable(),
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

// ---- keys

/** Recipients (`age1...`) in a text: several per line (spaces or commas), `#` to the end of a line is a comment (age -R's file format, or a list in one variable). */
export function parseRecipients(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, ''))
    .flatMap((line) => line.split(/[\s,]+/))
    .filter(Boolean);
}

/** The identities (`AGE-SECRET-KEY-...`) of an identity file as age-keygen (or `erpbi backup keygen`) writes it. */
export function parseIdentities(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('AGE-SECRET-KEY-'));
}

/** Reads an identity file, refusing one that others may read (as ssh does with a private key). */
export function readIdentityFile(file: string): string[] {
  const path = resolve(file);
  if (!existsSync(path)) throw new Error(`no age identity file at ${path}`);
  if ((statSync(path).mode & 0o077) !== 0) throw new Error(`${path} may be read by others: \`chmod 600 ${path}\` first (it opens every backup)`);
  const identities = parseIdentities(readFileSync(path, 'utf8'));
  if (identities.length === 0) throw new Error(`${path} holds no age identity (a line AGE-SECRET-KEY-1...)`);
  return identities;
}

/** The recipient of each identity (the public keys a backup for them is sealed to). */
export async function recipientsOf(identities: string[]): Promise<string[]> {
  return Promise.all(identities.map((identity) => identityToRecipient(identity)));
}

/**
 * A new age X25519 key pair, written as age-keygen writes it (a comment with the public key, then the
 * identity) to `file`, which must not exist yet: mode 0600, its directory made 0700 when missing.
 * Returns the recipient. X25519, not age's post-quantum hybrid: Debian's age (1.1) reads only these.
 */
export async function writeKeyPair(file: string): Promise<string> {
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  mkdirSync(dirname(resolve(file)), { recursive: true, mode: 0o700 });
  writeFileSync(file, `# erpbi backup identity, created ${new Date().toISOString()}: keep a copy off this machine\n# public key: ${recipient}\n${identity}\n`, { flag: 'wx', mode: 0o600 });
  return recipient;
}

function checkRecipients(recipients: string[]): void {
  for (const r of recipients) {
    try {
      new Encrypter().addRecipient(r);
    } catch (err) {
      throw new Error(`not an age recipient: ${JSON.stringify(r)} (${(err as Error).message}); recipients look like age1...`);
    }
  }
}

// ---- backup

export interface BackupOptions {
  databaseUrl: string;
  dataDir: string;
  /** The projector's OLAP_FILE when it sets one; by default ${dataDir}/olap/erpbi.duckdb. */
  olapFile?: string | undefined;
  /** Where the backup directory goes; it is named erpbi-backup-<UTC time>. Made 0700 when missing. */
  outDir: string;
  /** age recipients (`age1...`) every file is sealed to; `'plaintext'` writes the files unencrypted (the CLI's --plaintext). */
  encryptTo: string[] | 'plaintext';
  /** Reads the stream position when given; a backup without it records `stream: null`. */
  nats?: NatsTarget;
  /** Keycloak's database, as its own role (`keycloak`): dumped too when given; `keycloak: null` otherwise. */
  keycloakDatabaseUrl?: string | undefined;
  /** The documents' bucket and the READER's keys: every object is copied when given; `documents: null` otherwise. */
  documents?: S3Target | undefined;
  tar?: boolean;
  log?: (line: string) => void;
  /** Reports bytes written (the dump, then the DuckDB copy); silent by default. */
  progress?: StartProgress;
  now?: Date;
}

export interface BackupResult {
  path: string;
  /** The archive's size (with `tar`), or the sum of the directory's files. */
  bytes: number;
  /** The archive's checksum file (`<archive>.sha256`, sha256sum's format), with `tar`. */
  checksum: string | null;
  manifest: Manifest;
  pushed: string[];
}

export async function backup(opts: BackupOptions): Promise<BackupResult> {
  const log = opts.log ?? (() => {});
  const recipients = opts.encryptTo === 'plaintext' ? null : opts.encryptTo;
  if (recipients) {
    if (recipients.length === 0) throw new Error('no age recipient to encrypt the backup to');
    checkRecipients(recipients);
  }
  const encrypted = recipients !== null;
  const stamp = (opts.now ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  mkdirSync(resolve(opts.outDir), { recursive: true, mode: 0o700 });
  const dir = resolve(opts.outDir, `erpbi-backup-${stamp}`);
  if (existsSync(dir) || existsSync(`${dir}.tar.gz`)) throw new Error(`${dir} exists already`);
  mkdirSync(dir, { mode: 0o700 });
  const files: Manifest['files'] = {};
  /** Streams `source` into the backup file `name` (sealed when encrypting), recording both digests. */
  const save = async (name: string, source: Readable, count: (bytes: number) => void) => {
    const file = stored(name, encrypted);
    const { plain, kept } = await seal(source, recipients, join(dir, file), count);
    files[file] = kept;
    return { file, ...plain };
  };
  try {
    // The stream position first: every event the dump holds in its outbox was published at or below it
    // (or is still unpublished, and the sweeper republishes it after a restore).
    const stream = opts.nats ? await readStreamPosition(opts.nats) : null;
    if (stream) log(`stream ${stream.name}: last sequence ${stream.lastSeq} (${stream.messages} messages)`);

    const source = opts.olapFile ?? olapFile(opts.dataDir);
    const copies = existsSync(source) ? [source, `${source}.wal`].filter((f) => existsSync(f)) : [];
    const copyBytes = copies.reduce((sum, f) => sum + statSync(f).size, 0);
    // One bar for the whole backup: the dump's size is only known once pg_dump is done, so until then
    // the total holds an estimate of it; the copies' sizes are exact.
    const progress = opts.progress
      ? opts.progress('backup', { unit: 'bytes', total: (await estimateDumpBytes(opts.databaseUrl)) + copyBytes, estimate: true })
      : noProgress;
    let database: Manifest['database'];
    let olap: Manifest['olap'] = null;
    const lines: string[] = [];
    try {
      // pg_dump writes to a pipe that is sealed as it comes, so the dump is never on disk in plaintext.
      // (Its archive then has no data offsets, which only `pg_restore -j` and selective restores need;
      // restore feeds it to pg_restore's stdin in one pass.) The row counts are read in the snapshot
      // pg_dump dumps, so a restore can be checked table by table against them.
      database = await dumpDatabase(opts.databaseUrl, (out) => save(names.dump, out, (n) => progress.update(n)));
      progress.setTotal(database.bytes + copyBytes, false);
      progress.update(database.bytes);
      lines.push(`database: ${Object.keys(database.rows).length} tables, ${Object.values(database.rows).reduce((a, b) => a + b, 0)} rows, ${database.bytes} bytes${encrypted ? ', encrypted' : ''}`);

      if (copies.length > 0) {
        mkdirSync(join(dir, 'olap'), { mode: 0o700 });
        let before = 0;
        const saved: Content[] = [];
        for (const [i, from] of copies.entries()) {
          saved.push(await save(i === 0 ? names.olap : names.wal, createReadStream(from), (n) => progress.update(database.bytes + before + n)));
          before += saved.at(-1)!.bytes;
        }
        olap = { db: saved[0]!, wal: saved[1] ?? null };
        lines.push(`olap: copied ${source}${olap.wal ? ' and its WAL' : ''}`);
      } else {
        lines.push(`olap: no file at ${source}; skipped (it can be rebuilt from the stream)`);
      }
      progress.finish();
    } finally {
      progress.stop();
    }
    // After the bar, not under it: a line written while the terminal bar is drawn would be torn.
    lines.forEach((line) => log(line));

    let keycloak: Manifest['keycloak'] = null;
    if (opts.keycloakDatabaseUrl) {
      const url = opts.keycloakDatabaseUrl;
      keycloak = await tracked(opts.progress ? opts.progress('backup keycloak', { unit: 'bytes', total: await estimateDumpBytes(url), estimate: true }) : noProgress, (p) =>
        dumpDatabase(url, (out) => save(names.keycloak, out, (n) => p.update(n))),
      );
      log(`keycloak: ${Object.keys(keycloak.rows).length} tables, ${Object.values(keycloak.rows).reduce((a, b) => a + b, 0)} rows, ${keycloak.bytes} bytes${encrypted ? ', encrypted' : ''}`);
    }

    let documents: Manifest['documents'] = null;
    if (opts.documents) {
      documents = await backupDocuments(opts.documents, dir, save, opts.progress);
      log(`documents: ${documents.objects.length} objects of bucket ${documents.bucket}, ${documents.objects.reduce((a, o) => a + o.bytes, 0)} bytes${encrypted ? ', encrypted' : ''}`);
    }

    const manifest: Manifest = {
      format: manifestFormat,
      createdAt: (opts.now ?? new Date()).toISOString(),
      encryption: recipients ? { scheme: 'age', recipients } : null,
      files,
      database,
      keycloak,
      olap,
      stream,
      documents,
    };
    await seal(Readable.from([Buffer.from(JSON.stringify(manifest, null, 2) + '\n')]), recipients, join(dir, stored(names.manifest, encrypted)), () => {});

    let path = dir;
    let checksum: string | null = null;
    if (opts.tar) {
      // The files are sealed already: the archive only bundles them (gzip gains little but keeps the
      // name every script knows). Written by us, not by tar, so that it is 0600 from its first byte.
      path = `${dir}.tar.gz`;
      try {
        const digest = await runReading('tar', ['-czf', '-', '-C', dirname(dir), basename(dir)], minimalEnv(), (out) => writeCounting(out, path));
        checksum = `${path}.sha256`;
        writeFileSync(checksum, `${digest.sha256}  ${basename(path)}\n`, { flag: 'wx', mode: 0o600 });
      } catch (err) {
        rmSync(path, { force: true });
        throw err;
      }
      rmSync(dir, { recursive: true, force: true });
    }
    log(`backup: ${path}${encrypted ? '' : ' (NOT encrypted)'}`);
    const bytes = opts.tar ? statSync(path).size : Object.values(files).reduce((a, f) => a + f.bytes, 0);
    return { path, bytes, checksum, manifest, pushed: await push(path, checksum, log) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * pg_dump of `url` into `save` (which seals it as it comes: the dump is never on disk in plaintext),
 * with every table's rows counted in the very snapshot pg_dump dumps. (Its archive then has no data
 * offsets, which only `pg_restore -j` and selective restores need; restore feeds it to pg_restore's
 * stdin in one pass.)
 */
async function dumpDatabase(url: string, save: (out: Readable) => Promise<Content>): Promise<DatabaseDump> {
  const snapshot = await exportSnapshot(url);
  try {
    const dumped = await withPgConnection(url, (conn) =>
      runReading('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', '--compress=6', `--snapshot=${snapshot.id}`, ...conn.args], conn.env, save),
    );
    return { ...dumped, format: 'pg_dump-custom', rows: snapshot.rows };
  } finally {
    await snapshot.release();
  }
}

/**
 * Every object of the bucket into `documents/<n>` of the backup (sealed like the rest), with its key,
 * content type, size and SHA-256 in the manifest. PDFs are written once and never changed (a document
 * rendered again has the same bytes), so a listing followed by reads is a consistent copy; one written
 * meanwhile is in the next night's backup, and the database row that names it can be rendered again.
 */
async function backupDocuments(
  target: S3Target,
  dir: string,
  save: (name: string, source: Readable, count: (bytes: number) => void) => Promise<Content>,
  start: StartProgress | undefined,
): Promise<NonNullable<Manifest['documents']>> {
  const client = s3Client(target);
  try {
    const listed = await listDocuments(client, target.bucket);
    if (listed === 'no bucket') return { bucket: target.bucket, objects: [] };
    mkdirSync(join(dir, names.documents), { mode: 0o700 });
    const total = listed.reduce((a, o) => a + o.bytes, 0);
    return await tracked(start ? start('backup documents', { unit: 'bytes', total }) : noProgress, async (p) => {
      const objects: DocumentEntry[] = [];
      let before = 0;
      for (const [i, o] of listed.entries()) {
        const { body, contentType } = await readDocument(client, target.bucket, o.key);
        const saved = await save(documentFile(i), body, (n) => p.update(before + n));
        objects.push({ ...saved, key: o.key, contentType });
        before += saved.bytes;
      }
      return { bucket: target.bucket, objects };
    });
  } finally {
    client.destroy();
  }
}

/** A SHA-256 and byte count taken of the chunks passing through `step` (`count`: told the bytes so far, chunk by chunk). */
function digestTap(count: (bytes: number) => void = () => {}) {
  const hash = createHash('sha256');
  let bytes = 0;
  const step = async function* (chunks: AsyncIterable<Buffer | Uint8Array>) {
    for await (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.length;
      count(bytes);
      yield chunk;
    }
  };
  return {
    step,
    /** `source` read through the tap, as a stream of its own. */
    through: (source: Readable) => Readable.from(step(source), { objectMode: false }),
    digest: () => ({ bytes, sha256: hash.digest('hex') }),
  };
}

/** Writes `source` to a new file `to` (0600, never an existing one), returning its size and SHA-256. */
async function writeCounting(source: Readable, to: string): Promise<{ bytes: number; sha256: string }> {
  const tap = digestTap();
  await pipeline(source, tap.step, createWriteStream(to, { flags: 'wx', mode: 0o600 }));
  return tap.digest();
}

/**
 * Streams `source` into the new file `to` (0600), sealed with age to `recipients` unless they are null,
 * calling `count` with the plaintext bytes passed so far. Returns the plaintext's digest and the stored file's.
 */
async function seal(source: Readable, recipients: string[] | null, to: string, count: (bytes: number) => void): Promise<{ plain: { bytes: number; sha256: string }; kept: { bytes: number; sha256: string } }> {
  const plain = digestTap(count);
  const counted = plain.through(source);
  let out: Readable = counted;
  if (recipients) {
    const e = new Encrypter();
    for (const r of recipients) e.addRecipient(r);
    out = Readable.fromWeb(await e.encrypt(Readable.toWeb(counted) as ReadableStream<Uint8Array>) as import('node:stream/web').ReadableStream<Uint8Array>);
  }
  const kept = await writeCounting(out, to);
  return { plain: plain.digest(), kept };
}

/**
 * A repeatable-read transaction that exports its snapshot for `pg_dump --snapshot` and counts every
 * table's rows in it: the counts are those of the dump, whatever is written meanwhile. Held open until
 * `release` (pg_dump must have taken the snapshot by then; it has once it is done).
 */
async function exportSnapshot(url: string): Promise<{ id: string; rows: Record<string, number>; release: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const { rows: snap } = await client.query<{ id: string }>('select pg_export_snapshot() as id');
    const rows = await countRows(client);
    return {
      id: snap[0]!.id,
      rows,
      release: async () => {
        await client.query('rollback').catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
}

/** The rows of every ordinary table outside the system schemas, by `schema.table`. */
async function countRows(client: pg.Client): Promise<Record<string, number>> {
  const { rows: tables } = await client.query<{ t: string }>(
    `select format('%I.%I', n.nspname, c.relname) as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
      order by 1`,
  );
  const out: Record<string, number> = {};
  for (const { t } of tables) out[t] = Number((await client.query<{ n: string }>(`select count(*)::text as n from ${t}`)).rows[0]!.n);
  return out;
}

/**
 * What pg_dump will roughly write: the size of the tables' data (heap and TOAST, no indexes, whose
 * definitions alone are dumped). The compressed dump is usually smaller, so the bar says "estimated"
 * until pg_dump is done. pg_database_size would also count the system catalogs, which dwarf a small
 * database. Progress is a nicety: when the query fails, pg_dump reports the real problem.
 */
async function estimateDumpBytes(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ bytes: string }>(
      `select coalesce(sum(pg_table_size(c.oid)), 0)::text as bytes from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'm') and n.nspname not in ('pg_catalog', 'information_schema')`,
    );
    return Number(rows[0]!.bytes);
  } catch {
    return 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Runs `work` with what pg_dump / pg_restore need to reach `url` without the password in their argv or
 * environment (both are visible to other users in `ps`): the URL without its password as --dbname, and
 * the password in a PGPASSFILE of its own (0600, in a 0700 directory) that is removed afterwards. The
 * child's environment is the minimum (no DATABASE_URL, no PGPASSWORD, no other secret of ours).
 */
async function withPgConnection<T>(url: string, work: (conn: { args: string[]; env: NodeJS.ProcessEnv }) => Promise<T>): Promise<T> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('the database URL must be a postgres:// URL');
  }
  const env = minimalEnv((k) => k.startsWith('PG') && k !== 'PGPASSWORD');
  const password = parsed.password ? decodeURIComponent(parsed.password) : process.env.PGPASSWORD;
  parsed.password = '';
  const args = [`--dbname=${parsed.toString()}`];
  if (!password) return work({ args, env });
  const dir = mkdtempSync(join(tmpdir(), 'erpbi-pgpass-'));
  try {
    const file = join(dir, 'pgpass');
    // pgpass format: host:port:database:user:password, `:` and `\` escaped; the wildcards are safe as
    // the file serves this one connection.
    writeFileSync(file, `*:*:*:*:${password.replace(/[\\:]/g, (c) => `\\${c}`)}\n`, { flag: 'wx', mode: 0o600 });
    return await work({ args, env: { ...env, PGPASSFILE: file } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The environment a child needs to run (PATH, locale, home, temp), plus the variables `keep` accepts. */
function minimalEnv(keep: (name: string) => boolean = () => false): NodeJS.ProcessEnv {
  const base = new Set(['PATH', 'HOME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR']);
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => base.has(k) || k.startsWith('LC_') || keep(k)));
}

/** The stream's first and last sequence and message count (also the total `erpbi rebuild-olap` reports against). */
export async function readStreamPosition(nats: NatsTarget): Promise<StreamPosition> {
  const { url, stream } = nats;
  const bus = await connectBus(url, 'erpbi-backup', { credentials: nats.credentials });
  try {
    const info = await (await jetstreamManager(bus.nc)).streams.info(stream);
    return { name: stream, firstSeq: info.state.first_seq, lastSeq: info.state.last_seq, messages: info.state.messages };
  } finally {
    await bus.nc.close();
  }
}

/**
 * A copy with rclone when ERPBI_BACKUP_RCLONE_REMOTE (e.g. `b2:erpbi-backups`) is set AND rclone is on
 * the PATH: `rclone copyto`, the archive's checksum file with it. A failed copy fails the command: a
 * backup that was meant to leave the box and did not is not a success. The nightly job's copy off the
 * box is restic's, on the host (compose/systemd/erpbi-backup-push): it has the target's settings, and
 * the backup may run in a container that has neither restic nor the target's mounts and keys.
 */
async function push(path: string, checksum: string | null, log: (line: string) => void): Promise<string[]> {
  const pushed: string[] = [];
  const remote = readConfig(['ERPBI_BACKUP_RCLONE_REMOTE']).ERPBI_BACKUP_RCLONE_REMOTE;
  // rclone reads its own settings from the environment; ours with secrets stay behind.
  const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|KEYCLOAK_DATABASE_URL|ERPBI_DRILL_DATABASE_URL|PGPASSWORD|NATS_PASSWORD|CLIENT_SECRET|S3_SECRET_ACCESS_KEY)$/.test(k)));
  if (remote) {
    if (!(await onPath('rclone'))) log('rclone: ERPBI_BACKUP_RCLONE_REMOTE is set but rclone is not on the PATH; not pushed');
    else {
      const target = `${remote.replace(/\/$/, '')}/${basename(path)}`;
      await run('rclone', statSync(path).isDirectory() ? ['copy', path, target] : ['copyto', path, target], { env: childEnv });
      if (checksum) await run('rclone', ['copyto', checksum, `${target}.sha256`], { env: childEnv });
      pushed.push(`rclone:${target}`);
      log(`pushed to ${target}`);
    }
  }
  return pushed;
}

// ---- opening a backup: everything checked before anything is restored

export interface OpenOptions {
  /** age identities (`AGE-SECRET-KEY-...`) to open an encrypted backup with. */
  identities: string[];
  /** Accept a backup that is not encrypted (nothing proves who wrote it). */
  plaintext?: boolean;
}

interface Opened {
  dir: string;
  manifest: Manifest;
  /** The plaintext of a file of the backup, streamed (decrypted as it is read when sealed). */
  open: (file: string) => Promise<Readable>;
  cleanup: () => void;
}

/**
 * Unpacks (an archive) and checks a backup before anything is restored: the archive against its
 * `.sha256` file when there is one, then the manifest (opened with the identities when the backup is
 * encrypted; a plaintext one only with `plaintext`), then every file's size and SHA-256 against it.
 * Throws BackupRefused at the first thing that does not match.
 */
export async function openBackup(from: string, opts: OpenOptions, start: StartProgress = () => noProgress): Promise<Opened> {
  const path = resolve(from);
  if (!existsSync(path)) throw new Error(`no backup at ${path}`);
  let dir = path;
  let cleanup = () => {};
  if (!statSync(path).isDirectory()) {
    const tmp = mkdtempSync(join(tmpdir(), 'erpbi-restore-'));
    cleanup = () => rmSync(tmp, { recursive: true, force: true });
    try {
      dir = await unpack(path, tmp, start);
    } catch (err) {
      cleanup();
      throw err;
    }
  }
  try {
    const manifest = await readManifest(dir, path, opts);
    for (const [file, want] of Object.entries(manifest.files)) {
      const at = join(dir, file);
      if (!existsSync(at)) throw new BackupRefused(`${file} is missing from ${path}`);
      const got = await digestOf(at);
      if (got.bytes !== want.bytes || got.sha256 !== want.sha256) {
        throw new BackupRefused(`${file} of ${path} does not match the manifest (${got.bytes} bytes, SHA-256 ${got.sha256}; recorded ${want.bytes} bytes, ${want.sha256}): it was altered or cut short`);
      }
    }
    for (const c of [manifest.database, ...(manifest.keycloak ? [manifest.keycloak] : []), ...olapParts(manifest), ...(manifest.documents?.objects ?? [])]) {
      if (!manifest.files[c.file]) throw new BackupRefused(`the manifest of ${path} has no checksum for ${c.file}`);
      if (c.file.endsWith(sealed) !== (manifest.encryption !== null)) throw new BackupRefused(`the manifest of ${path} names ${c.file}, which contradicts its encryption`);
    }
    const open = async (file: string): Promise<Readable> => {
      const raw = createReadStream(join(dir, file));
      if (!manifest.encryption) return raw;
      return Readable.fromWeb((await decrypterFor(opts.identities).decrypt(Readable.toWeb(raw) as ReadableStream<Uint8Array>)) as import('node:stream/web').ReadableStream<Uint8Array>);
    };
    return { dir, manifest, open, cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}

/** Unpacks the archive into `tmp`, hashing it on the way against its `.sha256` file when there is one; returns the backup's directory. */
async function unpack(path: string, tmp: string, start: StartProgress): Promise<string> {
  const sumFile = `${path}.sha256`;
  const want = existsSync(sumFile) ? /^([0-9a-f]{64})\b/i.exec(readFileSync(sumFile, 'utf8').trim())?.[1]?.toLowerCase() : undefined;
  if (existsSync(sumFile) && !want) throw new BackupRefused(`${sumFile} holds no SHA-256`);
  let report = (_bytes: number) => {};
  const tap = digestTap((bytes) => report(bytes));
  // tar reads the archive from its stdin: the bytes fed are the bytes of the archive read so far.
  try {
    await tracked(start('restore unpack', { unit: 'bytes', total: statSync(path).size }), (progress) => {
      report = (bytes) => progress.update(bytes);
      return run('tar', ['-xzf', '-', '--no-same-owner', '-C', tmp], { env: minimalEnv(), stdin: tap.through(createReadStream(path)) });
    });
  } catch (err) {
    if (want && (await digestOf(path)).sha256 !== want) throw new BackupRefused(`${path} does not match ${sumFile}: the archive was altered or cut short`);
    throw new BackupRefused(`${path} cannot be unpacked, it is damaged or cut short (${(err as Error).message})`);
  }
  if (want && tap.digest().sha256 !== want) throw new BackupRefused(`${path} does not match ${sumFile}: the archive was altered or cut short`);
  const inner = readdirSync(tmp).find((n) => existsSync(join(tmp, n, names.manifest)) || existsSync(join(tmp, n, stored(names.manifest, true))));
  if (!inner) throw new Error(`${path} holds no erpbi backup (no ${names.manifest})`);
  return join(tmp, inner);
}

async function readManifest(dir: string, path: string, opts: OpenOptions): Promise<Manifest> {
  const sealedManifest = join(dir, stored(names.manifest, true));
  let text: string;
  if (existsSync(sealedManifest)) {
    if (opts.identities.length === 0) throw new Error(`${path} is encrypted: give the age identity that opens it (--identity FILE, or ERPBI_BACKUP_IDENTITY_FILE)`);
    try {
      text = await decrypterFor(opts.identities).decrypt(readFileSync(sealedManifest), 'text');
    } catch (err) {
      if (/no identity matched/.test((err as Error).message)) throw new BackupRefused(`the identity given does not open ${path} (it was encrypted to other recipients)`);
      throw new BackupRefused(`the manifest of ${path} is damaged or was altered (${(err as Error).message})`);
    }
  } else if (existsSync(join(dir, names.manifest))) {
    if (!opts.plaintext) throw new BackupRefused(`${path} is not encrypted, so nothing shows who wrote it; restore it only if you made it yourself, with --plaintext`);
    text = readFileSync(join(dir, names.manifest), 'utf8');
  } else {
    throw new Error(`${path} holds no erpbi backup (no ${names.manifest})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BackupRefused(`the manifest of ${path} is not JSON`);
  }
  const format = (json as { format?: unknown }).format;
  if (typeof format === 'number' && format > manifestFormat) {
    throw new BackupRefused(`${path} was written by a newer erpbi (manifest format ${format}; this one reads 2 and ${manifestFormat}): restore it with that version or a later one`);
  }
  if (format === 1) {
    throw new BackupRefused(`${path} was written by an older erpbi (manifest format 1: not encrypted, no checksums); take a new backup, or restore it with the erpbi version that wrote it`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw new BackupRefused(`the manifest of ${path} is not one this erpbi reads (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  if ((parsed.data.encryption !== null) !== existsSync(sealedManifest)) throw new BackupRefused(`the manifest of ${path} contradicts how it is stored (encryption)`);
  return parsed.data;
}

function decrypterFor(identities: string[]): Decrypter {
  const d = new Decrypter();
  for (const identity of identities) d.addIdentity(identity);
  return d;
}

/** A sink that keeps nothing: for reading a stream through a check. */
const discard = () => new Writable({ write: (_c, _e, cb) => cb() });

async function digestOf(file: string): Promise<{ bytes: number; sha256: string }> {
  const tap = digestTap();
  await pipeline(createReadStream(file), tap.step, discard());
  return tap.digest();
}

/** Feeds the plaintext of `c` to `to` (a process's stdin or a file), checking its size and SHA-256 against the manifest at the end. */
async function feedChecked(opened: Opened, c: Content, count: (bytes: number) => void): Promise<{ stream: Readable; checked: () => void }> {
  const tap = digestTap(count);
  return {
    stream: tap.through(await opened.open(c.file)),
    checked: () => {
      const got = tap.digest();
      if (got.bytes !== c.bytes || got.sha256 !== c.sha256) throw new Error(`${c.file} decrypted to other content than was backed up (${got.bytes} bytes, SHA-256 ${got.sha256}; recorded ${c.bytes}, ${c.sha256})`);
    },
  };
}

/** The DuckDB snapshot's files (the database and, when there was one, its WAL) of a backup. */
const olapParts = (m: Manifest): Content[] => (m.olap ? [m.olap.db, m.olap.wal].filter((c): c is Content => !!c) : []);
const olapBytes = (m: Manifest) => olapParts(m).reduce((sum, c) => sum + c.bytes, 0);

/** Decrypts each file of the DuckDB snapshot into the sink `to` gives it, checked against the manifest, under one progress. */
async function feedOlap(opened: Opened, progress: Progress, to: (c: Content) => Writable): Promise<void> {
  await tracked(progress, async (p) => {
    let before = 0;
    for (const c of olapParts(opened.manifest)) {
      const { stream, checked } = await feedChecked(opened, c, (n) => p.update(before + n));
      await pipeline(stream, to(c));
      checked();
      before += c.bytes;
    }
  });
}

/**
 * pg_restore of the backup's dump into `url`, in one transaction, fed from the decrypting stream under
 * `progress` (pg_restore reads the dump from its stdin, so the bytes it has taken are the bytes fed to
 * it); then every table's rows compared with those recorded at backup time. Throws `differs: <what>`
 * when a count is not as backed up.
 */
async function restoreDump(opened: Opened, dump: DatabaseDump, url: string, progress: Progress, differs: string): Promise<{ tables: number; rows: number }> {
  await tracked(progress, async (p) => {
    const { stream, checked } = await feedChecked(opened, dump, (n) => p.update(n));
    await withPgConnection(url, (conn) => run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', ...conn.args], { env: conn.env, stdin: stream }));
    checked();
  });
  const rows = await compareRows(url, dump.rows);
  if (rows.differences.length > 0) throw new Error(`${differs}: ${rows.differences.join('; ')}`);
  return rows;
}

/** Differences between the rows recorded at backup time and those of `url`, as lines. */
async function compareRows(url: string, recorded: Record<string, number>): Promise<{ tables: number; rows: number; differences: string[] }> {
  const got = await withClient(url, countRows);
  const differences: string[] = [];
  for (const t of new Set([...Object.keys(recorded), ...Object.keys(got)])) {
    if (recorded[t] !== got[t]) differences.push(`${t}: ${got[t] ?? 'no table'} restored, ${recorded[t] ?? 'no table'} backed up`);
  }
  return { tables: Object.keys(got).length, rows: Object.values(got).reduce((a, b) => a + b, 0), differences };
}

/** `work` with a connection of its own to `url`, closed after. */
async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

// ---- restore

export interface RestoreOptions extends OpenOptions {
  /** A backup directory or its .tar.gz. */
  from: string;
  /** The database to restore into: it must hold no erpbi schema yet. */
  databaseUrl: string;
  dataDir: string;
  olapFile?: string | undefined;
  /** The target box's stream: decides whether the DuckDB snapshot still matches it. */
  nats?: NatsTarget;
  /** Publish the restored outbox (every event, oldest first) into an EMPTY stream. */
  republishEvents?: { prefix: string };
  /** The EMPTY Keycloak database to restore the backup's into, as its role (`keycloak`): required when the backup holds one, unless left out. */
  keycloakDatabaseUrl?: string | undefined;
  /** The documents' bucket and the WRITER's keys: required when the backup holds documents, unless left out. */
  documents?: S3Target | undefined;
  /** Parts of the backup not to restore (on purpose: a restore of erpbi's data alone). */
  leaveOut?: readonly RestorablePart[];
  log?: (line: string) => void;
  /** Reports bytes read, step by step (unpacking the archive, the dump, the DuckDB copy); silent by default. */
  progress?: StartProgress;
}

/** The parts of a backup besides erpbi's database that a restore may be told to leave out. */
export const restorableParts = ['keycloak', 'documents'] as const;
export type RestorablePart = (typeof restorableParts)[number];

export interface RestoreResult {
  manifest: Manifest;
  olap: 'restored' | 'absent' | 'skipped';
  keycloak: 'restored' | 'absent' | 'left out';
  /** Documents written back, or why none were. */
  documents: number | 'absent' | 'left out';
  republished: number;
}

export async function restore(opts: RestoreOptions): Promise<RestoreResult> {
  const log = opts.log ?? (() => {});
  const start = opts.progress ?? (() => noProgress);
  const opened = await openBackup(opts.from, opts, start);
  try {
    const { manifest } = opened;
    const target = opts.olapFile ?? olapFile(opts.dataDir);
    if (manifest.olap && existsSync(target)) throw new Error(`${target} exists: stop the projector and move the file away first`);
    const leftOut = new Set(opts.leaveOut ?? []);
    // Every target is checked before anything is written: a restore that stops halfway leaves a box
    // with half its parts.
    const keycloakUrl = manifest.keycloak && !leftOut.has('keycloak') ? opts.keycloakDatabaseUrl : undefined;
    if (manifest.keycloak && !leftOut.has('keycloak') && !keycloakUrl) {
      throw new Error("the backup holds Keycloak's database (the users and their passwords): give KEYCLOAK_DATABASE_URL, an EMPTY keycloak database as role keycloak, or leave it out on purpose (--leave-out keycloak)");
    }
    const documentsTarget = manifest.documents && !leftOut.has('documents') ? opts.documents : undefined;
    if (manifest.documents && !leftOut.has('documents') && !documentsTarget) {
      throw new Error('the backup holds the stored documents (the PDFs): give S3_ENDPOINT, S3_BUCKET and the WRITER keys (S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY), or leave them out on purpose (--leave-out documents)');
    }
    await assertEmptyDatabase(opts.databaseUrl);
    if (keycloakUrl) await assertEmptyDatabase(keycloakUrl, 'keycloak');

    const rows = await restoreDump(opened, manifest.database, opts.databaseUrl, start('restore database', { unit: 'bytes', total: manifest.database.bytes }), 'the restored database differs from the backup');
    log(`database restored from ${manifest.createdAt}: ${rows.tables} tables, ${rows.rows} rows, as backed up`);

    let keycloak: RestoreResult['keycloak'] = manifest.keycloak ? 'left out' : 'absent';
    if (manifest.keycloak && keycloakUrl) {
      const kc = await restoreDump(opened, manifest.keycloak, keycloakUrl, start('restore keycloak', { unit: 'bytes', total: manifest.keycloak.bytes }), "the restored Keycloak database differs from the backup");
      keycloak = 'restored';
      log(`keycloak: ${kc.tables} tables, ${kc.rows} rows, as backed up`);
    } else if (manifest.keycloak) log("keycloak: left out (--leave-out keycloak): the users of the backup are not restored");

    let documents: RestoreResult['documents'] = manifest.documents ? 'left out' : 'absent';
    if (manifest.documents && documentsTarget) {
      documents = await restoreDocuments(opened, manifest.documents.objects, documentsTarget, start);
      log(`documents: ${documents} objects written back into bucket ${documentsTarget.bucket}, each as backed up`);
    } else if (manifest.documents) log('documents: left out (--leave-out documents)');

    let republished = 0;
    let position: StreamPosition | null = opts.nats ? await readStreamPosition(opts.nats).catch(() => null) : null;
    if (opts.republishEvents) {
      if (!opts.nats) throw new Error('republishing events needs the target NATS_URL and stream');
      if (position && position.lastSeq > 0) throw new Error(`stream ${position.name} is not empty (last sequence ${position.lastSeq}); republish only into an empty stream`);
      republished = await republishOutbox(opts.databaseUrl, opts.nats, opts.republishEvents.prefix);
      log(`republished ${republished} events from the outbox into ${opts.nats.stream}`);
      position = await readStreamPosition(opts.nats);
    }

    let olap: RestoreResult['olap'] = 'absent';
    if (manifest.olap) {
      // The snapshot's watermark is a sequence of the OLD stream. It is only meaningful on a stream
      // that still holds everything the backup saw; on any other stream the projector would skip
      // events, so the snapshot is left out and OLAP is rebuilt from the stream instead.
      const same = manifest.stream !== null && position !== null && !opts.republishEvents && position.name === manifest.stream.name && position.lastSeq >= manifest.stream.lastSeq;
      if (same) {
        mkdirSync(dirname(target), { recursive: true });
        const to = (c: Content) => (c === manifest.olap!.wal ? `${target}.wal` : target);
        try {
          await feedOlap(opened, start('restore olap', { unit: 'bytes', total: olapBytes(manifest) }), (c) => createWriteStream(to(c), { flags: 'wx', mode: 0o600 }));
        } catch (err) {
          for (const c of olapParts(manifest)) rmSync(to(c), { force: true });
          throw err;
        }
        olap = 'restored';
        log(
          `olap: ${target} restored at sequence ${manifest.stream!.lastSeq}; the projector goes on from there where the feed is there too. ` +
            'Where the feed is already past it (a restore onto the same box), it refuses the gap (sequence_gap): rebuild OLAP from the stream',
        );
      } else {
        olap = 'skipped';
        log('olap: snapshot not restored (the target stream is not the one it was taken from); rebuild OLAP from the stream (`npx erpbi rebuild-olap`)');
      }
    }
    return { manifest, olap, keycloak, documents, republished };
  } finally {
    opened.cleanup();
  }
}

/** A document's plaintext, whole, checked against the manifest (size and SHA-256) before anyone gets it. */
async function documentBytes(opened: Opened, o: DocumentEntry, count: (bytes: number) => void): Promise<Buffer> {
  const { stream, checked } = await feedChecked(opened, o, count);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  checked();
  return Buffer.concat(chunks);
}

/** Writes every document of the backup back under its key, each checked against the manifest before it is written. */
async function restoreDocuments(opened: Opened, objects: DocumentEntry[], target: S3Target, start: StartProgress): Promise<number> {
  const client = s3Client(target);
  try {
    return await tracked(start('restore documents', { unit: 'bytes', total: objects.reduce((a, o) => a + o.bytes, 0) }), async (p) => {
      let before = 0;
      for (const o of objects) {
        await writeDocument(client, target.bucket, o.key, await documentBytes(opened, o, (n) => p.update(before + n)), o.contentType);
        before += o.bytes;
      }
      return objects.length;
    });
  } finally {
    client.destroy();
  }
}

// ---- the restore drill

export interface DrillOptions extends OpenOptions {
  /** A backup directory or its .tar.gz. */
  from: string;
  /**
   * Where to restore: `{ scratchFrom: url }` creates a scratch database on that server with that role
   * (which must be allowed to create databases) and drops it afterwards, whatever happened;
   * `{ into: url }` restores into that existing EMPTY database and leaves it as restored.
   */
  target: { scratchFrom: string } | { into: string };
  log?: (line: string) => void;
  progress?: StartProgress;
  now?: () => number;
}

export interface DrillResult {
  manifest: Manifest;
  /** The database restored into (dropped again when it was a scratch one). */
  database: string;
  tables: number;
  rows: number;
  olap: 'checked' | 'absent';
  /** Keycloak's dump: restored into a scratch database of its own and its rows compared; only decrypted and checked with `into`. */
  keycloak: { tables: number; rows: number } | 'checked' | 'absent';
  /** Documents decrypted and checked against the manifest, byte for byte. */
  documents: number | 'absent';
  seconds: number;
}

/**
 * The restore drill: everything a restore does to the databases, into databases nobody uses. Opens and
 * checks the backup (as restore does: identity, checksums), decrypts the DuckDB copy and every document
 * to check each is whole, restores the dumps (erpbi's, and Keycloak's into a scratch database of its
 * own), and compares every table's row count with those recorded at backup time.
 * Throws (BackupRefused, or an Error saying what differs) when the backup could not be restored.
 */
export async function drill(opts: DrillOptions): Promise<DrillResult> {
  const now = opts.now ?? Date.now;
  const began = now();
  const log = opts.log ?? (() => {});
  const start = opts.progress ?? (() => noProgress);
  const opened = await openBackup(opts.from, opts, start);
  const drops: (() => Promise<void>)[] = [];
  try {
    const { manifest } = opened;
    log(`backup of ${manifest.createdAt}: every file matches its manifest${manifest.encryption ? ', and the identity opens it' : ''}`);
    if (manifest.olap) {
      await feedOlap(opened, start('drill olap', { unit: 'bytes', total: olapBytes(manifest) }), discard);
      log('olap: the DuckDB copy decrypts whole, as backed up');
    }
    let documents: DrillResult['documents'] = 'absent';
    if (manifest.documents) {
      const objects = manifest.documents.objects;
      documents = await tracked(start('drill documents', { unit: 'bytes', total: objects.reduce((a, o) => a + o.bytes, 0) }), async (p) => {
        let before = 0;
        for (const o of objects) {
          await documentBytes(opened, o, (n) => p.update(before + n));
          before += o.bytes;
        }
        return objects.length;
      });
      log(`documents: ${documents} objects decrypt whole, each as backed up`);
    }

    const stamp = `erpbi_drill_${new Date(began).toISOString().replace(/\D/g, '').slice(0, 14)}_${randomBytes(3).toString('hex')}`;
    const scratch = async (adminUrl: string, name: string): Promise<string> => {
      await withClient(adminUrl, (admin) =>
        admin.query(`create database ${name}`).catch((err: unknown) => {
          throw new Error(`cannot create the drill's scratch database (${(err as Error).message}): give a role that may create databases (ERPBI_DRILL_DATABASE_URL), or an empty database with --into URL`);
        }),
      );
      drops.push(async () => {
        await withClient(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
      });
      const u = new URL(adminUrl);
      u.pathname = `/${name}`;
      return u.toString();
    };
    let url: string;
    if ('into' in opts.target) {
      url = opts.target.into;
      await assertEmptyDatabase(url);
    } else {
      url = await scratch(opts.target.scratchFrom, stamp);
    }
    const database = new URL(url).pathname.slice(1);
    const scratched = drops.length > 0;
    const rows = await restoreDump(opened, manifest.database, url, start('drill database', { unit: 'bytes', total: manifest.database.bytes }), "the drill's restore differs from the backup");
    log(`database: restored into ${database}${scratched ? ' (scratch, dropped after)' : ''}; ${rows.tables} tables, ${rows.rows} rows, every count as backed up`);

    let keycloak: DrillResult['keycloak'] = 'absent';
    if (manifest.keycloak) {
      const progress = start('drill keycloak', { unit: 'bytes', total: manifest.keycloak.bytes });
      if ('scratchFrom' in opts.target) {
        const kcUrl = await scratch(opts.target.scratchFrom, `${stamp}_keycloak`);
        const kc = await restoreDump(opened, manifest.keycloak, kcUrl, progress, "the drill's restore of Keycloak's database differs from the backup");
        keycloak = { tables: kc.tables, rows: kc.rows };
        log(`keycloak: restored into ${stamp}_keycloak (scratch, dropped after); ${keycloak.tables} tables, ${keycloak.rows} rows, every count as backed up`);
      } else {
        const dump = manifest.keycloak;
        await tracked(progress, async (p) => {
          const { stream, checked } = await feedChecked(opened, dump, (n) => p.update(n));
          await pipeline(stream, discard());
          checked();
        });
        keycloak = 'checked';
        log("keycloak: the dump decrypts whole, as backed up (not restored: --into names erpbi's database only)");
      }
    }
    return { manifest, database, tables: rows.tables, rows: rows.rows, olap: manifest.olap ? 'checked' : 'absent', keycloak, documents, seconds: (now() - began) / 1000 };
  } finally {
    for (const drop of drops) await drop().catch(() => undefined);
    opened.cleanup();
  }
}

/** Runs `work` under `progress`: the final line on success, the terminal released either way. */
async function tracked<T>(progress: Progress, work: (progress: Progress) => Promise<T>): Promise<T> {
  try {
    const result = await work(progress);
    progress.finish();
    return result;
  } finally {
    progress.stop();
  }
}

async function assertEmptyDatabase(url: string, which: 'erpbi' | 'keycloak' = 'erpbi'): Promise<void> {
  const { rows } = await withClient(url, (client) =>
    client.query<{ n: number }>(`select count(*)::int as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`),
  );
  if (rows[0]!.n === 0) return;
  if (which === 'keycloak') {
    throw new Error("the target Keycloak database is not empty (Keycloak makes its tables at its first start): stop keycloak, drop and create the database keycloak again (owner keycloak), restore, then start keycloak");
  }
  throw new Error('the target database is not empty: restore only into a fresh database (createdb erpbi_restored)');
}

async function republishOutbox(databaseUrl: string, nats: NatsTarget, prefix: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const bus = await connectBus(nats.url, 'erpbi-restore', { credentials: nats.credentials });
  let n = 0;
  try {
    // A new box's stream does not exist until its connector first starts: make it (and its dead
    // letters) as the connector would, so the events have somewhere to go.
    await ensureStreams(bus.nc, nats.stream, prefix);
    const { rows } = await client.query<{ id: string; subject: string; payload: unknown }>('select id, subject, payload from platform.outbox order by created_at, id');
    for (const row of rows) {
      const subject = row.subject.replace(/^[^.]+\./, `${prefix}.`);
      await bus.js.publish(subject, JSON.stringify(row.payload), { msgID: row.id });
      n += 1;
    }
    await client.query('update platform.outbox set published_at = coalesce(published_at, now())');
  } finally {
    await bus.nc.close();
    await client.end();
  }
  return n;
}

/**
 * Runs a command whose stdout `read` consumes (pg_dump's archive, tar's). The command failing fails
 * the whole, even when `read` had already taken everything it wrote; `read` failing ends the command.
 */
async function runReading<T>(command: string, args: string[], env: NodeJS.ProcessEnv, read: (stdout: Readable) => Promise<T>): Promise<T> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const exited = exitOf(command, child);
  try {
    const result = await read(child.stdout!);
    await exited;
    return result;
  } catch (err) {
    // A command that failed by itself (its exit code and stderr) says more than what its failure
    // caused downstream; one still running is ended, and then `read`'s error is the story.
    const exitedAlready = child.exitCode !== null || child.signalCode !== null;
    if (!exitedAlready) child.kill();
    const exitErr = await exited.then(() => null, (e: unknown) => e);
    throw exitedAlready && exitErr ? exitErr : err;
  }
}

/** Resolves when the child exits 0; rejects with its exit code and (redacted) stderr otherwise. */
function exitOf(command: string, child: ReturnType<typeof spawn>): Promise<void> {
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()).length > 8000 && (stderr = stderr.slice(-4000)));
  return new Promise((ok, fail) => {
    child.once('error', (err) => fail(new Error(`${command}: ${err.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) return ok();
      fail(new Error(`${command} exited with ${code ?? signal}: ${redact(stderr.trim())}`));
    });
  });
}

/** Runs a command; with `stdin`, streams it into the command's stdin. */
function run(command: string, args: string[], opts: { env: NodeJS.ProcessEnv; stdin?: Readable }): Promise<void> {
  const child = spawn(command, args, { stdio: [opts.stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'], env: opts.env });
  const exited = exitOf(command, child);
  if (!opts.stdin) return exited;
  // A child that stops reading (it failed) breaks the pipe: its exit code and stderr tell why, so
  // the feeding error only counts when the child itself succeeded (or is something else than EPIPE:
  // an unreadable file, a decryption that failed).
  const fed = pipeline(opts.stdin, child.stdin!).then(
    () => undefined,
    (err: NodeJS.ErrnoException) => err,
  );
  return Promise.all([exited.then(() => undefined, (err: Error) => err), fed]).then(([exitErr, feedErr]) => {
    if (feedErr && feedErr.code !== 'EPIPE' && feedErr.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw new Error(`${command}: feeding its input failed: ${feedErr.message}${exitErr ? ` (and ${exitErr.message})` : ''}`);
    if (exitErr) throw exitErr;
    if (feedErr) throw new Error(`${command}: its input was cut short (${feedErr.message})`);
  });
}

/** Connection strings may carry a password; never echo one. */
function redact(text: string): string {
  return text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/g, '$1***@');
}

function onPath(binary: string): Promise<boolean> {
  return new Promise((ok) => {
    const child = spawn(binary, ['version'], { stdio: 'ignore' });
    child.once('error', () => ok(false));
    child.once('exit', () => ok(true));
  });
}
