import { spawn } from 'node:child_process';
import { createConnection, createServer, type AddressInfo, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminUrl } from '../tests/support/postgres.js';
import { waitFor } from '../tests/support/wait.js';

// `erpbi migrate --wait`, as faasd runs it: started right after Postgres, whose first start keeps its
// TCP port closed while initdb and the init scripts run. Postgres here is the machine's; "not yet
// up" is a port with nothing on it, and "up" a TCP relay to Postgres opened on that port later.

const dbName = `erpbi_migrate_wait_${randomBytes(4).toString('hex')}`;
const admin = () => new pg.Client({ connectionString: adminUrl });
const pgAddress = new URL(adminUrl);

beforeAll(async () => {
  const c = admin();
  await c.connect();
  await c.query(`create database ${dbName}`);
  await c.end();
});
afterAll(async () => {
  const c = admin();
  await c.connect();
  await c.query(`drop database if exists ${dbName} with (force)`);
  await c.end();
});

/** A port nothing listens on (taken, then given back). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Postgres "coming up" on `port`: every connection relayed to the machine's Postgres. */
async function relayOn(port: number): Promise<Server> {
  const relay = createServer((client) => {
    const upstream = createConnection(Number(pgAddress.port || 5432), pgAddress.hostname);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((r) => relay.listen(port, '127.0.0.1', r));
  return relay;
}

function migrate(url: string, ...args: string[]) {
  const child = spawn(process.execPath, ['bin/erpbi.mjs', 'migrate', ...args], { env: { ...process.env, DATABASE_URL: url } });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += String(d)));
  child.stderr.on('data', (d) => (out.stderr += String(d)));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { out, exit };
}

const urlAt = (port: number, db = dbName) => {
  const u = new URL(adminUrl);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  u.pathname = `/${db}`;
  return u.toString();
};

describe('erpbi migrate --wait', () => {
  it('retries while Postgres is not answering, then applies the migrations once it does', async () => {
    const port = await freePort();
    const run = migrate(urlAt(port), '--wait', '60');
    // it has tried and been refused at least twice before Postgres "comes up"
    await waitFor(async () => (run.out.stderr.match(/not answering yet/g)?.length ?? 0) >= 2, {
      timeoutMs: 20_000,
      what: () => `two refused attempts (stderr: ${run.out.stderr})`,
    });
    const relay = await relayOn(port);
    try {
      expect(await run.exit, run.out.stderr).toBe(0);
      expect(run.out.stdout).toMatch(/^applied: 001/);
      expect(run.out.stderr).toMatch(/ECONNREFUSED/);
      // the database now holds the migrations' ledger
      const db = new pg.Client({ connectionString: urlAt(Number(pgAddress.port || 5432)).replace('127.0.0.1', pgAddress.hostname) });
      await db.connect();
      const applied = await db.query('select count(*)::int as n from platform.schema_migrations');
      await db.end();
      expect(applied.rows[0].n).toBeGreaterThan(0);
    } finally {
      await new Promise((r) => relay.close(r));
    }
  });

  it('gives up when the wait is over, with the reason', async () => {
    const port = await freePort();
    const started = Date.now();
    const run = migrate(urlAt(port), '--wait', '2');
    expect(await run.exit).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(run.out.stderr).toMatch(/erpbi migrate: .*ECONNREFUSED/);
  });

  it('fails at once on what waiting would not mend (a database that does not exist)', async () => {
    const run = migrate(urlAt(Number(pgAddress.port || 5432), `${dbName}_missing`).replace('127.0.0.1', pgAddress.hostname), '--wait', '300');
    expect(await run.exit).toBe(1);
    expect(run.out.stderr).toMatch(/does not exist/);
    expect(run.out.stderr).not.toMatch(/not answering yet/);
  });

  it('without --wait, fails at the first refusal as before', async () => {
    const run = migrate(urlAt(await freePort()));
    expect(await run.exit).toBe(1);
    expect(run.out.stderr).not.toMatch(/not answering yet/);
  });

  it('refuses a --wait that is not a number of seconds', async () => {
    for (const wait of ['-1', '1.5', 'soon', '3601']) {
      const run = migrate(urlAt(1), `--wait=${wait}`);
      expect(await run.exit, wait).toBe(1);
      expect(run.out.stderr, wait).toMatch(/--wait must be a whole number of seconds from 0 to 3600/);
    }
  });
});
