import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { z } from 'zod';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus } from '../shared/events/bus.js';
import { readConfig } from '../shared/config.js';
import { noProgress, type Progress, type StartProgress } from './progress.js';

// A backup is one directory (or its .tar.gz): the database as a pg_dump custom-format archive, a copy
// of the DuckDB file if there is one, and the event stream's position, described by manifest.json.
// The DuckDB copy is a convenience: OLAP can always be rebuilt from the event stream.

export const manifestName = 'manifest.json';
const dumpName = 'postgres.dump';
const olapName = 'olap/erpbi.duckdb';

const streamPosition = z.object({ name: z.string(), firstSeq: z.number().int(), lastSeq: z.number().int(), messages: z.number().int() });
export type StreamPosition = z.infer<typeof streamPosition>;

export const manifestSchema = z
  .object({
    format: z.literal(1),
    createdAt: z.string(),
    database: z.object({ file: z.literal(dumpName), format: z.literal('pg_dump-custom'), bytes: z.number().int() }),
    olap: z.object({ file: z.literal(olapName), bytes: z.number().int(), wal: z.boolean() }).nullable(),
    stream: streamPosition.nullable(),
  })
  .strict();
export type Manifest = z.infer<typeof manifestSchema>;

/** The DuckDB file of a box: the projector and this module agree on this path and nothing else. */
export function olapFile(dataDir: string): string {
  return join(dataDir, 'olap', 'erpbi.duckdb');
}

export interface BackupOptions {
  databaseUrl: string;
  dataDir: string;
  /** The projector's OLAP_FILE when it sets one; by default ${dataDir}/olap/erpbi.duckdb. */
  olapFile?: string | undefined;
  /** Where the backup directory goes; it is named erpbi-backup-<UTC time>. */
  outDir: string;
  /** Reads the stream position when given; a backup without it records `stream: null`. */
  nats?: { url: string; stream: string };
  tar?: boolean;
  log?: (line: string) => void;
  /** Reports bytes written (the dump, then the DuckDB copy); silent by default. */
  progress?: StartProgress;
  now?: Date;
}

export interface BackupResult {
  path: string;
  manifest: Manifest;
  pushed: string[];
}

export async function backup(opts: BackupOptions): Promise<BackupResult> {
  const log = opts.log ?? (() => {});
  const stamp = (opts.now ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const dir = resolve(opts.outDir, `erpbi-backup-${stamp}`);
  if (existsSync(dir)) throw new Error(`${dir} exists already`);
  mkdirSync(dir, { recursive: true });
  try {
    // The stream position first: every event the dump holds in its outbox was published at or below it
    // (or is still unpublished, and the sweeper republishes it after a restore).
    const stream = opts.nats ? await readStreamPosition(opts.nats.url, opts.nats.stream) : null;
    if (stream) log(`stream ${stream.name}: last sequence ${stream.lastSeq} (${stream.messages} messages)`);

    const dump = join(dir, dumpName);
    const source = opts.olapFile ?? olapFile(opts.dataDir);
    const copies = existsSync(source) ? [source, `${source}.wal`].filter((f) => existsSync(f)) : [];
    const copyBytes = copies.reduce((sum, f) => sum + statSync(f).size, 0);
    // One bar for the whole backup: the dump's size is only known once pg_dump is done, so until then
    // the total holds an estimate of it; the copies' sizes are exact.
    const progress = opts.progress
      ? opts.progress('backup', { unit: 'bytes', total: (await estimateDumpBytes(opts.databaseUrl)) + copyBytes, estimate: true })
      : noProgress;
    let olap: Manifest['olap'] = null;
    const lines: string[] = [];
    try {
      // pg_dump keeps writing its own file (not a pipe to us): only a seekable archive gets the data
      // offsets that `pg_restore -j` and selective restores need. Its size is read as it grows.
      const watching = watchSize(dump, (n) => progress.update(n));
      try {
        await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', '--compress=6', `--file=${dump}`, `--dbname=${opts.databaseUrl}`]);
      } finally {
        watching.stop();
      }
      const dumpBytes = statSync(dump).size;
      progress.setTotal(dumpBytes + copyBytes, false);
      progress.update(dumpBytes);
      lines.push(`database: ${dump} (${dumpBytes} bytes)`);

      if (copies.length > 0) {
        mkdirSync(join(dir, 'olap'), { recursive: true });
        await copyCounting(copies.map((file) => [file, join(dir, file === source ? olapName : `${olapName}.wal`)]), (n) => progress.update(dumpBytes + n));
        const wal = copies.length > 1;
        olap = { file: olapName, bytes: statSync(join(dir, olapName)).size, wal };
        lines.push(`olap: copied ${source}${wal ? ' and its WAL' : ''}`);
      } else {
        lines.push(`olap: no file at ${source}; skipped (it can be rebuilt from the stream)`);
      }
      progress.finish();
    } finally {
      progress.stop();
    }
    // After the bar, not under it: a line written while the terminal bar is drawn would be torn.
    lines.forEach((line) => log(line));

    const manifest: Manifest = {
      format: 1,
      createdAt: (opts.now ?? new Date()).toISOString(),
      database: { file: dumpName, format: 'pg_dump-custom', bytes: statSync(dump).size },
      olap,
      stream,
    };
    writeFileSync(join(dir, manifestName), JSON.stringify(manifest, null, 2) + '\n');

    let path = dir;
    if (opts.tar) {
      path = `${dir}.tar.gz`;
      await run('tar', ['-czf', path, '-C', dirname(dir), basename(dir)]);
      rmSync(dir, { recursive: true, force: true });
    }
    log(`backup: ${path}`);
    return { path, manifest, pushed: await push(path, log) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
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

/** Calls `onSize` with the file's size every `intervalMs` while another process writes it (once it exists). */
function watchSize(file: string, onSize: (bytes: number) => void, intervalMs = 250): { stop: () => void } {
  const timer = setInterval(() => {
    if (existsSync(file)) onSize(statSync(file).size);
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** A pipeline step that passes chunks on unchanged, calling `count` with the bytes passed so far. */
function counting(count: (bytes: number) => void) {
  let bytes = 0;
  return async function* (chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      count(bytes);
      yield chunk;
    }
  };
}

/** Copies each [from, to] in turn, chunk by chunk (nothing held whole in memory), calling `count` with the bytes of all copied so far. */
async function copyCounting(files: [string, string][], count: (bytes: number) => void): Promise<void> {
  let before = 0;
  for (const [from, to] of files) {
    let copied = 0;
    await pipeline(createReadStream(from), counting((n) => count(before + (copied = n))), createWriteStream(to));
    before += copied;
  }
}

/** The stream's first and last sequence and message count (also the total `erpbi rebuild-olap` reports against). */
export async function readStreamPosition(url: string, stream: string): Promise<StreamPosition> {
  const bus = await connectBus(url, 'erpbi-backup');
  try {
    const info = await (await jetstreamManager(bus.nc)).streams.info(stream);
    return { name: stream, firstSeq: info.state.first_seq, lastSeq: info.state.last_seq, messages: info.state.messages };
  } finally {
    await bus.nc.close();
  }
}

/**
 * Off-box copies, each only when configured AND its binary is on the PATH:
 * ERPBI_BACKUP_RCLONE_REMOTE (e.g. `b2:erpbi-backups`) -> `rclone copy`; RESTIC_REPOSITORY (+ restic's
 * own RESTIC_PASSWORD_FILE etc.) -> `restic backup`. A failed push fails the command: a backup that
 * was meant to leave the box and did not is not a success.
 */
async function push(path: string, log: (line: string) => void): Promise<string[]> {
  const pushed: string[] = [];
  const env = readConfig(['ERPBI_BACKUP_RCLONE_REMOTE', 'RESTIC_REPOSITORY']);
  const remote = env.ERPBI_BACKUP_RCLONE_REMOTE;
  if (remote) {
    if (!(await onPath('rclone'))) log('rclone: ERPBI_BACKUP_RCLONE_REMOTE is set but rclone is not on the PATH; not pushed');
    else {
      const target = `${remote.replace(/\/$/, '')}/${basename(path)}`;
      await run('rclone', statSync(path).isDirectory() ? ['copy', path, target] : ['copyto', path, target]);
      pushed.push(`rclone:${target}`);
      log(`pushed to ${target}`);
    }
  }
  if (env.RESTIC_REPOSITORY) {
    if (!(await onPath('restic'))) log('restic: RESTIC_REPOSITORY is set but restic is not on the PATH; not pushed');
    else {
      await run('restic', ['backup', '--tag', 'erpbi', path]);
      pushed.push(`restic:${env.RESTIC_REPOSITORY}`);
      log(`pushed to restic repository ${env.RESTIC_REPOSITORY}`);
    }
  }
  return pushed;
}

export interface RestoreOptions {
  /** A backup directory or its .tar.gz. */
  from: string;
  /** The database to restore into: it must hold no erpbi schema yet. */
  databaseUrl: string;
  dataDir: string;
  olapFile?: string | undefined;
  /** The target box's stream: decides whether the DuckDB snapshot still matches it. */
  nats?: { url: string; stream: string };
  /** Publish the restored outbox (every event, oldest first) into an EMPTY stream. */
  republishEvents?: { prefix: string };
  log?: (line: string) => void;
  /** Reports bytes read, step by step (unpacking the archive, the dump, the DuckDB copy); silent by default. */
  progress?: StartProgress;
}

export interface RestoreResult {
  manifest: Manifest;
  olap: 'restored' | 'absent' | 'skipped';
  republished: number;
}

export async function restore(opts: RestoreOptions): Promise<RestoreResult> {
  const log = opts.log ?? (() => {});
  const start = opts.progress ?? (() => noProgress);
  const { dir, cleanup } = await openBackup(opts.from, start);
  try {
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(dir, manifestName), 'utf8')));
    const target = opts.olapFile ?? olapFile(opts.dataDir);
    if (manifest.olap && existsSync(target)) throw new Error(`${target} exists: stop the projector and move the file away first`);
    await assertEmptyDatabase(opts.databaseUrl);

    // pg_restore reads the dump from its stdin, so the bytes it has taken are the bytes fed to it.
    const dump = join(dir, manifest.database.file);
    await tracked(start('restore database', { unit: 'bytes', total: statSync(dump).size }), (progress) =>
      run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${opts.databaseUrl}`], { from: dump, count: (n) => progress.update(n) }),
    );
    log(`database restored from ${manifest.createdAt}`);

    let republished = 0;
    let position: StreamPosition | null = opts.nats ? await readStreamPosition(opts.nats.url, opts.nats.stream).catch(() => null) : null;
    if (opts.republishEvents) {
      if (!opts.nats) throw new Error('republishing events needs the target NATS_URL and stream');
      if (position && position.lastSeq > 0) throw new Error(`stream ${position.name} is not empty (last sequence ${position.lastSeq}); republish only into an empty stream`);
      republished = await republishOutbox(opts.databaseUrl, opts.nats.url, opts.republishEvents.prefix);
      log(`republished ${republished} events from the outbox into ${opts.nats.stream}`);
      position = await readStreamPosition(opts.nats.url, opts.nats.stream);
    }

    let olap: RestoreResult['olap'] = 'absent';
    if (manifest.olap) {
      // The snapshot's watermark is a sequence of the OLD stream. It is only meaningful on a stream
      // that still holds everything the backup saw; on any other stream the projector would skip
      // events, so the snapshot is left out and OLAP is rebuilt from the stream instead.
      const same = manifest.stream !== null && position !== null && !opts.republishEvents && position.name === manifest.stream.name && position.lastSeq >= manifest.stream.lastSeq;
      if (same) {
        mkdirSync(dirname(target), { recursive: true });
        const copies: [string, string][] = [[join(dir, manifest.olap.file), target]];
        if (manifest.olap.wal) copies.push([join(dir, `${manifest.olap.file}.wal`), `${target}.wal`]);
        const total = copies.reduce((sum, [from]) => sum + statSync(from).size, 0);
        await tracked(start('restore olap', { unit: 'bytes', total }), (progress) => copyCounting(copies, (n) => progress.update(n)));
        olap = 'restored';
        log(`olap: ${target} restored; the projector catches up from sequence ${manifest.stream!.lastSeq}`);
      } else {
        olap = 'skipped';
        log('olap: snapshot not restored (the target stream is not the one it was taken from); rebuild OLAP from the stream (`npx erpbi rebuild-olap`)');
      }
    }
    return { manifest, olap, republished };
  } finally {
    cleanup();
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

async function openBackup(from: string, start: StartProgress): Promise<{ dir: string; cleanup: () => void }> {
  const path = resolve(from);
  if (!existsSync(path)) throw new Error(`no backup at ${path}`);
  if (statSync(path).isDirectory()) return { dir: path, cleanup: () => {} };
  const tmp = mkdtempSync(join(tmpdir(), 'erpbi-restore-'));
  // tar reads the archive from its stdin: the bytes fed are the bytes of the archive read so far.
  await tracked(start('restore unpack', { unit: 'bytes', total: statSync(path).size }), (progress) =>
    run('tar', ['-xzf', '-', '-C', tmp], { from: path, count: (n) => progress.update(n) }),
  ).catch((err: unknown) => {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  });
  const inner = readdirSync(tmp).find((n) => existsSync(join(tmp, n, manifestName)));
  if (!inner) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`${path} holds no erpbi backup (no ${manifestName})`);
  }
  return { dir: join(tmp, inner), cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

async function assertEmptyDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`,
    );
    if (rows[0]!.n > 0) throw new Error('the target database is not empty: restore only into a fresh database (createdb erpbi_restored)');
  } finally {
    await client.end();
  }
}

async function republishOutbox(databaseUrl: string, natsUrl: string, prefix: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const bus = await connectBus(natsUrl, 'erpbi-restore');
  let n = 0;
  try {
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

/** Runs a command; with `input`, streams that file into its stdin, calling `count` with the bytes fed so far. */
function run(command: string, args: string[], input?: { from: string; count: (bytes: number) => void }): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(command, args, { stdio: [input ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()).length > 8000 && (stderr = stderr.slice(-4000)));
    // A child that stops reading (it failed) breaks the pipe: its exit code and stderr tell why, so
    // the feeding error only adds to the message when it is something else (an unreadable file).
    let feedError: Error | undefined;
    if (input) {
      pipeline(createReadStream(input.from), counting(input.count), child.stdin!).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') feedError = err;
      });
    }
    child.once('error', (err) => fail(new Error(`${command}: ${err.message}`)));
    child.once('exit', (code) => {
      if (code === 0) return ok();
      const extra = feedError ? ` (reading ${input!.from}: ${feedError.message})` : '';
      fail(new Error(`${command} exited with ${code}: ${redact(stderr.trim())}${extra}`));
    });
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
