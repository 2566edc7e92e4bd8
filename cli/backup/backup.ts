import { createReadStream, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { readConfig } from '../../shared/config.js';
import { noProgress, tracked, type StartProgress } from '../progress.js';
import { listDocuments, readDocument, s3Client, type S3Target } from './documents.js';
import { documentFile, manifestFormat, names, olapFile, stored, type Content, type DocumentEntry, type Manifest, type NatsTarget } from './manifest.js';
import { checkRecipients, seal } from './age.js';
import { writeCounting } from './digest.js';
import { dumpDatabase, estimateDumpBytes } from './database.js';
import { readStreamPosition } from './stream.js';
import { minimalEnv, onPath, run, runReading } from './child-process.js';

// `erpbi backup`: the layout and the manifest are manifest.ts's; this writes them, step by step.

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
  const stamp = (opts.now ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
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
      lines.push(
        `database: ${Object.keys(database.rows).length} tables, ${Object.values(database.rows).reduce((a, b) => a + b, 0)} rows, ${database.bytes} bytes${encrypted ? ', encrypted' : ''}`,
      );

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
      keycloak = await tracked(
        opts.progress ? opts.progress('backup keycloak', { unit: 'bytes', total: await estimateDumpBytes(url), estimate: true }) : noProgress,
        (p) => dumpDatabase(url, (out) => save(names.keycloak, out, (n) => p.update(n))),
      );
      log(
        `keycloak: ${Object.keys(keycloak.rows).length} tables, ${Object.values(keycloak.rows).reduce((a, b) => a + b, 0)} rows, ${keycloak.bytes} bytes${encrypted ? ', encrypted' : ''}`,
      );
    }

    let documents: Manifest['documents'] = null;
    if (opts.documents) {
      documents = await backupDocuments(opts.documents, dir, save, opts.progress);
      log(
        `documents: ${documents.objects.length} objects of bucket ${documents.bucket}, ${documents.objects.reduce((a, o) => a + o.bytes, 0)} bytes${encrypted ? ', encrypted' : ''}`,
      );
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
  const childEnv = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(DATABASE_URL|KEYCLOAK_DATABASE_URL|ERPBI_DRILL_DATABASE_URL|PGPASSWORD|NATS_PASSWORD|CLIENT_SECRET|S3_SECRET_ACCESS_KEY)$/.test(k),
    ),
  );
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
