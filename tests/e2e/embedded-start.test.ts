import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { readSuperuserPassword } from '../../runtime/box/postgres-superuser.js';
import { startBox, type Box } from '../support/box.js';
import { waitFor } from '../support/wait.js';

// `npm start` as a new user runs it: no DATABASE_URL, no NATS_URL. The box starts its embedded
// PostgreSQL 15 and a private nats-server on ports of its own (never 5432/4222), stops cleanly on
// Ctrl-C, and a second start reuses the data.
let box: Box | undefined;
afterAll(async () => {
  await box?.stop();
  box?.remove();
});

function boxPids(box: Box): number[] {
  const pids = JSON.parse(readFileSync(join(box.dataDir, 'pids.json'), 'utf8')) as Record<string, number>;
  expect(Object.keys(pids)).toEqual(expect.arrayContaining(['runtime', 'postgres', 'nats-server', 'create-order', 'connector']));
  return Object.values(pids);
}

/**
 * Who connects as whom on the box's Postgres (runtime/box/postgres.ts, docs/architecture.md): the migrations
 * as erpbi_owner, query as erpbi_reader, every other function and the connector as erpbi_app, with
 * passwords of the box's own in box.json (0600); the superuser only sets it up. Each process is told
 * apart by its application_name (PGAPPNAME, set by the runtime).
 */
async function checkRoles(box: Box, pgPort: number) {
  const file = join(box.dataDir, 'box.json');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const passwords = (JSON.parse(readFileSync(file, 'utf8')) as { pgPasswords: Record<string, string> }).pgPasswords;
  expect(Object.keys(passwords).sort()).toEqual(['app', 'owner', 'reader']);
  const su = new pg.Client({ host: '127.0.0.1', port: pgPort, user: 'postgres', password: readSuperuserPassword(box.dataDir), database: 'erpbi' });
  await su.connect();
  try {
    const expected = ['query', 'upsert-product', 'create-order', 'reserve-stock', 'create-invoice', 'connector'];
    // the connector's first outbox sweep (every 2 s) may come a moment after the flow
    const read = async () =>
      (
        await su.query<{ name: string; usename: string }>(
          `select application_name as name, usename from pg_stat_activity where datname = 'erpbi' and pid <> pg_backend_pid()`,
        )
      ).rows;
    let sessions: { name: string; usename: string }[] = [];
    const each = async () => ((sessions = await read()), expected.every((n) => sessions.some((s) => s.name === n)));
    await waitFor(each, { timeoutMs: 10_000, intervalMs: 250 }).catch(() => {}); // the expectations below say what is missing
    const usersOf = (name: string) => [...new Set(sessions.filter((s) => s.name === name).map((s) => s.usename))];
    const seen = `${JSON.stringify(sessions)}\n${box.logTail(['connector'])}`;
    expect(usersOf('query'), seen).toEqual(['erpbi_reader']);
    for (const name of expected.filter((n) => n !== 'query')) expect(usersOf(name), `${name}: ${seen}`).toEqual(['erpbi_app']);
    expect(
      sessions.filter((s) => s.usename === 'postgres'),
      seen,
    ).toEqual([]);
    const owners = await su.query(`select distinct tableowner from pg_tables where schemaname in ('platform', 'inventory', 'orders', 'billing', 'hr')`);
    expect(owners.rows).toEqual([{ tableowner: 'erpbi_owner' }]);
  } finally {
    await su.end();
  }
  const app = new pg.Client({ connectionString: `postgres://erpbi_app:${passwords.app}@127.0.0.1:${pgPort}/erpbi` });
  await app.connect();
  try {
    await expect(app.query('drop table orders.orders')).rejects.toMatchObject({ code: '42501' });
  } finally {
    await app.end();
  }
  // `erpbi backup` on the box: pg_dump as erpbi_reader (cli/backup/command.ts)
  const out = mkdtempSync(join(tmpdir(), 'erpbi-box-backup-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, ERPBI_DATA: box.dataDir };
    delete env.DATABASE_URL;
    const path = execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'erpbi.mjs'), 'backup', '--no-stream', '--out', out], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
    expect(existsSync(path), path).toBe(true);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describe('the box with embedded Postgres and its own nats-server', () => {
  it('starts, serves the flow, stops on SIGINT leaving no process, and restarts on the same data', async () => {
    const started = Date.now();
    box = await startBox({ readyTimeoutMs: 90_000 });
    const readyMs = Date.now() - started;
    console.log(`embedded box: /healthz 200 after ${readyMs} ms`);
    expect(box.output()).toMatch(/embedded PostgreSQL 15 on 127\.0\.0\.1:(\d+)/);
    const pgPort = Number(/embedded PostgreSQL 15 on 127\.0\.0\.1:(\d+)/.exec(box.output())![1]);
    const natsPort = Number(/nats-server \(JetStream\) on 127\.0\.0\.1:(\d+)/.exec(box.output())![1]);
    expect(pgPort).not.toBe(5432);
    expect(natsPort).not.toBe(4222);

    await box.api('/function/upsert-product', { role: 'admin', body: { sku: 'TEA', name: 'Tea', unitPrice: 400, currency: 'EUR' } });
    await box.api('/function/receive-stock', { role: 'clerk', body: { sku: 'TEA', quantity: 4 } });
    await box.api('/function/upsert-customer', { role: 'clerk', body: { id: 'cafe', name: 'Cafe', paymentTermsDays: 7 } });
    const order = await box.api('/function/create-order', { role: 'clerk', body: { customerId: 'cafe', lines: [{ sku: 'TEA', quantity: 2 }] } });
    expect(order.status).toBe(201);
    const b = box;
    await waitFor(async () => (await b.api(`/function/query/orders/${order.body.id}`, { role: 'clerk' })).body.status === 'invoiced', {
      timeoutMs: 5000,
      what: 'order invoiced',
    });
    await checkRoles(box, pgPort);

    const pids = boxPids(box);
    expect(await box.stop('SIGINT')).toBe(0);
    expect(box.output()).toContain('stopped.');
    for (const pid of pids) expect(() => process.kill(pid, 0), `process ${pid} still alive`).toThrow();

    // Second start on the same data dir: same ports kept, the order is still there.
    const dataDir = box.dataDir;
    // This time taken at its word: once it says "ready", /healthz says so too (no 503 a second after).
    box = await startBox({ dataDir, readyTimeoutMs: 90_000, untilReadyLine: true });
    const health = await fetch(`${box.url}/healthz`);
    expect(health.status, `/healthz right after "ready": ${await health.clone().text()}`).toBe(200);
    expect(box.output()).toContain(`embedded PostgreSQL 15 on 127.0.0.1:${pgPort}`);
    expect(box.output()).not.toContain('initialising');
    const again = await box.api(`/function/query/orders/${order.body.id}`, { role: 'clerk' });
    expect(again.body.status).toBe('invoiced');
  }, 240_000);
});
