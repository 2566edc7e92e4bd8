import { createReadStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { noProgress, tracked, type Progress, type StartProgress } from '../progress.js';
import {
  BackupRefused,
  manifestFormat,
  manifestSchema,
  names,
  olapParts,
  sealed,
  stored,
  type Content,
  type DatabaseDump,
  type DocumentEntry,
  type Manifest,
} from './manifest.js';
import { decrypterFor } from './age.js';
import { digestOf, digestTap } from './digest.js';
import { compareRows, withPgConnection } from './database.js';
import { minimalEnv, run } from './child-process.js';

// ---- opening a backup: everything checked before anything is restored (restore and the drill both start here)

export interface OpenOptions {
  /** age identities (`AGE-SECRET-KEY-...`) to open an encrypted backup with. */
  identities: string[];
  /** Accept a backup that is not encrypted (nothing proves who wrote it). */
  plaintext?: boolean;
}

export interface Opened {
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
        throw new BackupRefused(
          `${file} of ${path} does not match the manifest (${got.bytes} bytes, SHA-256 ${got.sha256}; recorded ${want.bytes} bytes, ${want.sha256}): it was altered or cut short`,
        );
      }
    }
    for (const c of [manifest.database, ...(manifest.keycloak ? [manifest.keycloak] : []), ...olapParts(manifest), ...(manifest.documents?.objects ?? [])]) {
      if (!manifest.files[c.file]) throw new BackupRefused(`the manifest of ${path} has no checksum for ${c.file}`);
      if (c.file.endsWith(sealed) !== (manifest.encryption !== null))
        throw new BackupRefused(`the manifest of ${path} names ${c.file}, which contradicts its encryption`);
    }
    const open = async (file: string): Promise<Readable> => {
      const raw = createReadStream(join(dir, file));
      if (!manifest.encryption) return raw;
      return Readable.fromWeb(
        (await decrypterFor(opts.identities).decrypt(
          Readable.toWeb(raw) as ReadableStream<Uint8Array>,
        )) as import('node:stream/web').ReadableStream<Uint8Array>,
      );
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
    if (opts.identities.length === 0)
      throw new Error(`${path} is encrypted: give the age identity that opens it (--identity FILE, or ERPBI_BACKUP_IDENTITY_FILE)`);
    try {
      text = await decrypterFor(opts.identities).decrypt(readFileSync(sealedManifest), 'text');
    } catch (err) {
      if (/no identity matched/.test((err as Error).message))
        throw new BackupRefused(`the identity given does not open ${path} (it was encrypted to other recipients)`);
      throw new BackupRefused(`the manifest of ${path} is damaged or was altered (${(err as Error).message})`);
    }
  } else if (existsSync(join(dir, names.manifest))) {
    if (!opts.plaintext)
      throw new BackupRefused(`${path} is not encrypted, so nothing shows who wrote it; restore it only if you made it yourself, with --plaintext`);
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
    throw new BackupRefused(
      `${path} was written by a newer erpbi (manifest format ${format}; this one reads 2 and ${manifestFormat}): restore it with that version or a later one`,
    );
  }
  if (format === 1) {
    throw new BackupRefused(
      `${path} was written by an older erpbi (manifest format 1: not encrypted, no checksums); take a new backup, or restore it with the erpbi version that wrote it`,
    );
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success)
    throw new BackupRefused(
      `the manifest of ${path} is not one this erpbi reads (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`,
    );
  if ((parsed.data.encryption !== null) !== existsSync(sealedManifest))
    throw new BackupRefused(`the manifest of ${path} contradicts how it is stored (encryption)`);
  return parsed.data;
}

/** Feeds the plaintext of `c` to `to` (a process's stdin or a file), checking its size and SHA-256 against the manifest at the end. */
export async function feedChecked(opened: Opened, c: Content, count: (bytes: number) => void): Promise<{ stream: Readable; checked: () => void }> {
  const tap = digestTap(count);
  return {
    stream: tap.through(await opened.open(c.file)),
    checked: () => {
      const got = tap.digest();
      if (got.bytes !== c.bytes || got.sha256 !== c.sha256)
        throw new Error(
          `${c.file} decrypted to other content than was backed up (${got.bytes} bytes, SHA-256 ${got.sha256}; recorded ${c.bytes}, ${c.sha256})`,
        );
    },
  };
}

/** Decrypts each file of the DuckDB snapshot into the sink `to` gives it, checked against the manifest, under one progress. */
export async function feedOlap(opened: Opened, progress: Progress, to: (c: Content) => Writable): Promise<void> {
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

/** A document's plaintext, whole, checked against the manifest (size and SHA-256) before anyone gets it. */
export async function documentBytes(opened: Opened, o: DocumentEntry, count: (bytes: number) => void): Promise<Buffer> {
  const { stream, checked } = await feedChecked(opened, o, count);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  checked();
  return Buffer.concat(chunks);
}

/**
 * pg_restore of the backup's dump into `url`, in one transaction, fed from the decrypting stream under
 * `progress` (pg_restore reads the dump from its stdin, so the bytes it has taken are the bytes fed to
 * it); then every table's rows compared with those recorded at backup time. Throws `differs: <what>`
 * when a count is not as backed up.
 */
export async function restoreDump(
  opened: Opened,
  dump: DatabaseDump,
  url: string,
  progress: Progress,
  differs: string,
): Promise<{ tables: number; rows: number }> {
  await tracked(progress, async (p) => {
    const { stream, checked } = await feedChecked(opened, dump, (n) => p.update(n));
    await withPgConnection(url, (conn) =>
      run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', ...conn.args], { env: conn.env, stdin: stream }),
    );
    checked();
  });
  const rows = await compareRows(url, dump.rows);
  if (rows.differences.length > 0) throw new Error(`${differs}: ${rows.differences.join('; ')}`);
  return rows;
}
