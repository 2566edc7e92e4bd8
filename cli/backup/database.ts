import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import pg from 'pg';
import type { Content, DatabaseDump } from './manifest.js';
import { minimalEnv, runReading } from './child-process.js';

// The databases' side of a backup: a dump in one snapshot with every table's rows counted in it, the
// pg tools reached without a password in sight, and the checks a restore makes of the target.

/**
 * pg_dump of `url` into `save` (which seals it as it comes: the dump is never on disk in plaintext),
 * with every table's rows counted in the very snapshot pg_dump dumps. (Its archive then has no data
 * offsets, which only `pg_restore -j` and selective restores need; restore feeds it to pg_restore's
 * stdin in one pass.)
 */
export async function dumpDatabase(url: string, save: (out: Readable) => Promise<Content>): Promise<DatabaseDump> {
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
export async function estimateDumpBytes(url: string): Promise<number> {
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
export async function withPgConnection<T>(url: string, work: (conn: { args: string[]; env: NodeJS.ProcessEnv }) => Promise<T>): Promise<T> {
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

/** Differences between the rows recorded at backup time and those of `url`, as lines. */
export async function compareRows(url: string, recorded: Record<string, number>): Promise<{ tables: number; rows: number; differences: string[] }> {
  const got = await withClient(url, countRows);
  const differences: string[] = [];
  for (const t of new Set([...Object.keys(recorded), ...Object.keys(got)])) {
    if (recorded[t] !== got[t]) differences.push(`${t}: ${got[t] ?? 'no table'} restored, ${recorded[t] ?? 'no table'} backed up`);
  }
  return { tables: Object.keys(got).length, rows: Object.values(got).reduce((a, b) => a + b, 0), differences };
}

/** `work` with a connection of its own to `url`, closed after. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function assertEmptyDatabase(url: string, which: 'erpbi' | 'keycloak' = 'erpbi'): Promise<void> {
  const { rows } = await withClient(url, (client) =>
    client.query<{ n: number }>(`select count(*)::int as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`),
  );
  if (rows[0]!.n === 0) return;
  if (which === 'keycloak') {
    throw new Error(
      'the target Keycloak database is not empty (Keycloak makes its tables at its first start): stop keycloak, drop and create the database keycloak again (owner keycloak), restore, then start keycloak',
    );
  }
  throw new Error('the target database is not empty: restore only into a fresh database (createdb erpbi_restored)');
}
