import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pgQuery } from './box.js';
import { cannotMeasure, figure } from './fail.js';

const exec = promisify(execFile);

/** pgbench, or the run stops with how it ended and the last of what it wrote. */
async function run(args: string[], opts: { env: NodeJS.ProcessEnv; timeout: number }): Promise<{ stdout: string }> {
  try {
    return await exec('/usr/bin/pgbench', args, opts);
  } catch (e) {
    const err = e as Error & { code?: number | string; signal?: string; stdout?: string; stderr?: string };
    const how = err.signal ? `killed by ${err.signal}` : `exit code ${err.code}`;
    return cannotMeasure(`pgbench ${args[0]}`, how, `${err.stdout ?? ''}\n${err.stderr ?? ''}`.trim().slice(-4096));
  }
}

export interface PgbenchResult {
  scale: number;
  clients: number;
  threads: number;
  seconds: number;
  tps: number;
  latencyAvgMs: number;
  synchronousCommit: string;
  fsync: string;
  /** Not run: the run's options left it out. */
  skipped?: boolean;
}

/**
 * The machine's own limit: Debian's pgbench, TPC-B-like, against the box's embedded Postgres, in a
 * database of its own (`pgbench`), so erpbi's data is untouched.
 */
export async function runPgbench(
  pgPort: number,
  adminUrl: string,
  opts: { scale: number; clients: number; threads: number; seconds: number },
): Promise<PgbenchResult> {
  await pgQuery(adminUrl, 'drop database if exists pgbench');
  await pgQuery(adminUrl, 'create database pgbench');
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(new URL(adminUrl).password) };
  const conn = ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres'];
  await run(['-i', '-q', '-s', String(opts.scale), ...conn, 'pgbench'], { env, timeout: 300_000 });
  const { stdout } = await run(['-T', String(opts.seconds), '-c', String(opts.clients), '-j', String(opts.threads), ...conn, 'pgbench'], {
    env,
    timeout: (opts.seconds + 120) * 1000,
  });
  const tps = figure('pgbench tps', Number(/tps = ([\d.]+)/.exec(stdout)?.[1]), { output: stdout.slice(-4096) });
  const latencyAvgMs = figure('pgbench latency', Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]), { output: stdout.slice(-4096) });
  const settings = await pgQuery<{ name: string; setting: string }>(
    adminUrl,
    `select name, setting from pg_settings where name in ('synchronous_commit', 'fsync')`,
  );
  const get = (n: string) => settings.find((s) => s.name === n)?.setting ?? '?';
  await pgQuery(adminUrl, 'drop database if exists pgbench');
  return { ...opts, tps, latencyAvgMs, synchronousCommit: get('synchronous_commit'), fsync: get('fsync') };
}
