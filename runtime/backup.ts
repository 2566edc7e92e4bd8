import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus } from '../shared/events/bus.js';

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
    await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', '--compress=6', `--file=${dump}`, `--dbname=${opts.databaseUrl}`]);
    log(`database: ${dump} (${statSync(dump).size} bytes)`);

    let olap: Manifest['olap'] = null;
    const source = opts.olapFile ?? olapFile(opts.dataDir);
    if (existsSync(source)) {
      mkdirSync(join(dir, 'olap'), { recursive: true });
      copyFileSync(source, join(dir, olapName));
      const wal = existsSync(`${source}.wal`);
      if (wal) copyFileSync(`${source}.wal`, join(dir, `${olapName}.wal`));
      olap = { file: olapName, bytes: statSync(join(dir, olapName)).size, wal };
      log(`olap: copied ${source}${wal ? ' and its WAL' : ''}`);
    } else {
      log(`olap: no file at ${source}; skipped (it can be rebuilt from the stream)`);
    }

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

async function readStreamPosition(url: string, stream: string): Promise<StreamPosition> {
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
async function push(path: string, log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const pushed: string[] = [];
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
}

export interface RestoreResult {
  manifest: Manifest;
  olap: 'restored' | 'absent' | 'skipped';
  republished: number;
}

export async function restore(opts: RestoreOptions): Promise<RestoreResult> {
  const log = opts.log ?? (() => {});
  const { dir, cleanup } = await openBackup(opts.from);
  try {
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(dir, manifestName), 'utf8')));
    const target = opts.olapFile ?? olapFile(opts.dataDir);
    if (manifest.olap && existsSync(target)) throw new Error(`${target} exists: stop the projector and move the file away first`);
    await assertEmptyDatabase(opts.databaseUrl);

    await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${opts.databaseUrl}`, join(dir, manifest.database.file)]);
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
        copyFileSync(join(dir, manifest.olap.file), target);
        if (manifest.olap.wal) copyFileSync(join(dir, `${manifest.olap.file}.wal`), `${target}.wal`);
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

async function openBackup(from: string): Promise<{ dir: string; cleanup: () => void }> {
  const path = resolve(from);
  if (!existsSync(path)) throw new Error(`no backup at ${path}`);
  if (statSync(path).isDirectory()) return { dir: path, cleanup: () => {} };
  const tmp = mkdtempSync(join(tmpdir(), 'erpbi-restore-'));
  await run('tar', ['-xzf', path, '-C', tmp]);
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

function run(command: string, args: string[]): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()).length > 8000 && (stderr = stderr.slice(-4000)));
    child.once('error', (err) => fail(new Error(`${command}: ${err.message}`)));
    child.once('exit', (code) => (code === 0 ? ok() : fail(new Error(`${command} exited with ${code}: ${redact(stderr.trim())}`))));
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
