import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { pino } from 'pino';
import { createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { backup, olapFile, restore, type BackupResult } from '../../runtime/backup.js';
import { createPool } from '../../shared/db/pool.js';
import { migrate } from '../../shared/db/migrate.js';
import { ensureStreams } from '../../shared/events/bus.js';
import { createHarness, type Harness } from '../support/harness.js';
import { seed } from '../support/fixtures.js';
import { adminUrl } from '../support/postgres.js';
import { natsUrl } from '../support/nats.js';
import { OlapStore } from '../../olap/store.js';
import { replayStream } from '../../olap/replay.js';
import * as q from '../../olap/queries.js';
import { buildApp } from '../../shared/http/app.js';
import { createVerifier } from '../../shared/auth/verify.js';
import { buildGateway } from '../../runtime/gateway.js';
import { writeBox } from '../../runtime/box.js';
import { loadOrCreateKeys } from '../../runtime/issuer.js';
import { formatBytes } from '../../runtime/progress.js';
import projector from '../../functions/project-to-olap/handler.js';

// A box with orders, invoices, payments and a credit note is backed up (pg_dump, DuckDB file, stream
// position), then restored into a FRESH database and data dir: every table must come back row for row,
// and the BI aggregates rebuilt from the restored events must equal the original ones.

let h: Harness;
let work: string;
let made: BackupResult;
const fresh: { name: string; url: string }[] = [];
let olapBytes: Buffer;
let aggregatesBefore: Record<string, unknown>;
const now = new Date();

/** Every named BI query, with fixed parameters. */
async function aggregates(store: OlapStore): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const named = { sales: q.salesByHour(48, now), aging: q.arAging(now.toISOString().slice(0, 10)), stock: q.stockLevels, funnel: q.orderFunnel, top: q.topProducts(10), head: q.headcountByDepartment, pay: q.payrollByDepartment };
  for (const [name, sql] of Object.entries(named)) out[name] = (await store.query(sql)).rows;
  return out;
}

/** A DuckDB file built the way the projector builds it: the whole stream, in order. */
async function project(file: string, stream: string): Promise<Record<string, unknown>> {
  const store = new OlapStore(file);
  try {
    await replayStream(h.bus.bus.js, stream, async (batch) => void (await store.apply(batch)));
    return await aggregates(store);
  } finally {
    await store.close();
  }
}

async function createEmptyDatabase(): Promise<string> {
  const name = `erpbi_restore_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  fresh.push({ name, url });
  return url;
}

/** Every row of every table of every erpbi schema, in a stable order, as text. */
async function snapshot(url: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ t: string }>(
      `select format('%I.%I', table_schema, table_name) as t from information_schema.tables
        where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE' order by 1`,
    );
    const out: Record<string, string[]> = {};
    for (const { t } of tables) {
      const { rows } = await client.query<{ r: string }>(`select x::text as r from ${t} x order by 1`);
      out[t] = rows.map((r) => r.r);
    }
    const { rows: seqs } = await client.query<{ s: string; v: string }>(
      `select format('%I.%I', schemaname, sequencename) as s, coalesce(last_value, 0)::text as v from pg_sequences order by 1`,
    );
    out['(sequences)'] = seqs.map((r) => `${r.s}=${r.v}`);
    return out;
  } finally {
    await client.end();
  }
}

async function streamLastSeq(stream: string): Promise<number> {
  const jsm = await jetstreamManager(h.bus.bus.nc);
  return (await jsm.streams.info(stream)).state.last_seq;
}

beforeAll(async () => {
  h = await createHarness('bkp');
  work = mkdtempSync(join(tmpdir(), 'erpbi-backup-test-'));

  // Business: a paid order, a part-paid one, a cancelled invoiced one (credit note), a rejected one.
  const { sku, customerId } = await seed(h, { stock: 20, unitPrice: 1999, taxRateBp: 2000, terms: 30 });
  const ids: string[] = [];
  for (const quantity of [2, 3, 1]) {
    const res = await h.post('create-order', { customerId, lines: [{ sku, quantity }] }, { role: 'clerk' });
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  const rejected = await h.post('create-order', { customerId, lines: [{ sku, quantity: 500 }] }, { role: 'clerk' });
  expect(rejected.status).toBe(201);
  await h.settle();
  const invoices = (await h.get('query', `/invoices?customerId=${customerId}`, { role: 'accountant' })).body.items as { id: string; orderId: string; total: number }[];
  expect(invoices).toHaveLength(3);
  const byOrder = (id: string) => invoices.find((i) => i.orderId === id)!;
  expect((await h.post('record-payment', { invoiceId: byOrder(ids[0]!).id, amount: byOrder(ids[0]!).total, method: 'card' }, { role: 'accountant' })).status).toBe(201);
  expect((await h.post('record-payment', { invoiceId: byOrder(ids[1]!).id, amount: 1000, method: 'bank_transfer', reference: 'part' }, { role: 'accountant' })).status).toBe(201);
  expect((await h.post('cancel-order', { id: ids[2], reason: 'changed mind' }, { role: 'clerk' })).status).toBe(200);
  await h.settle();
  // The stream holds the published events, so the backup has a position to record.
  const { rows } = await h.db.pool.query<{ subject: string; payload: unknown; id: string }>('select id, subject, payload from platform.outbox order by created_at, id');
  for (const r of rows) await h.bus.bus.js.publish(r.subject, JSON.stringify(r.payload), { msgID: r.id });

  // The projector's DuckDB file at the agreed path, projected from the stream.
  const data = join(work, 'box-a');
  mkdirSync(join(data, 'olap'), { recursive: true });
  aggregatesBefore = await project(olapFile(data), h.bus.stream);
  expect((aggregatesBefore.funnel as unknown[]).length).toBeGreaterThan(0);
  olapBytes = readFileSync(olapFile(data));

  made = await backup({ databaseUrl: h.db.url, dataDir: data, outDir: join(work, 'backups'), nats: { url: natsUrl, stream: h.bus.stream }, tar: true });
});

afterAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  for (const db of fresh) await admin.query(`drop database if exists ${db.name} with (force)`);
  await admin.end();
  await h?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('erpbi backup and restore', () => {
  it('writes one archive with the dump, the DuckDB snapshot and the stream position', async () => {
    expect(made.path.endsWith('.tar.gz')).toBe(true);
    expect(existsSync(made.path)).toBe(true);
    expect(made.manifest.olap).toMatchObject({ file: 'olap/erpbi.duckdb', bytes: olapBytes.length });
    const outbox = Number((await h.db.pool.query('select count(*) from platform.outbox')).rows[0].count);
    expect(made.manifest.stream).toEqual({ name: h.bus.stream, firstSeq: 1, lastSeq: outbox, messages: outbox });
    expect(made.manifest.database.bytes).toBeGreaterThan(0);
    expect(made.pushed).toEqual([]);
  });

  it('restores into a fresh database the same orders, invoices, payments, ledger and every other row', async () => {
    const url = await createEmptyDatabase();
    const data = join(work, 'box-b');
    const result = await restore({ from: made.path, databaseUrl: url, dataDir: data, nats: { url: natsUrl, stream: h.bus.stream } });

    const before = await snapshot(h.db.url);
    const after = await snapshot(url);
    for (const table of ['orders.orders', 'billing.invoices', 'billing.payments', 'billing.ledger_entries', 'billing.credit_notes']) {
      expect(before[table]!.length, table).toBeGreaterThan(0);
      expect(after[table], table).toEqual(before[table]);
    }
    expect(after).toEqual(before);

    // Ledger still balances, invoices keep their gapless numbers, and the schema needs no migration.
    const pool = createPool(url, 2);
    try {
      const { rows } = await pool.query<{ d: number; c: number }>('select sum(debit)::bigint as d, sum(credit)::bigint as c from billing.ledger_entries');
      expect(rows[0]!.d).toBe(rows[0]!.c);
      const numbers = (await pool.query<{ number: string }>('select number from billing.invoices order by number')).rows.map((r) => Number(r.number.slice(-6)));
      expect(numbers).toEqual([1, 2, 3]);
      expect(await migrate(pool)).toEqual([]);
    } finally {
      await pool.end();
    }

    // Same stream as at backup time: the DuckDB snapshot comes back byte for byte.
    expect(result.olap).toBe('restored');
    expect(readFileSync(olapFile(data)).equals(olapBytes)).toBe(true);
    const store = new OlapStore(olapFile(data));
    try {
      expect(await aggregates(store)).toEqual(aggregatesBefore);
    } finally {
      await store.close();
    }
  });

  it('refuses a database that is not empty, and changes nothing in it', async () => {
    const before = await snapshot(h.db.url);
    await expect(restore({ from: made.path, databaseUrl: h.db.url, dataDir: join(work, 'box-c') })).rejects.toThrow(/not empty/);
    expect(await snapshot(h.db.url)).toEqual(before);
    expect(existsSync(olapFile(join(work, 'box-c')))).toBe(false);
  });

  it('onto a new, empty stream: republishes the outbox in order and leaves the stale DuckDB snapshot out', async () => {
    const url = await createEmptyDatabase();
    const data = join(work, 'box-d');
    const prefix = `bkr${randomBytes(3).toString('hex')}`;
    const stream = `${prefix.toUpperCase()}_EVENTS`;
    await ensureStreams(h.bus.bus.nc, stream, prefix);
    try {
      const result = await restore({ from: made.path, databaseUrl: url, dataDir: data, nats: { url: natsUrl, stream }, republishEvents: { prefix } });
      const outbox = Number((await h.db.pool.query('select count(*) from platform.outbox')).rows[0].count);
      expect(result.republished).toBe(outbox);
      expect(await streamLastSeq(stream)).toBe(outbox);
      expect(result.olap).toBe('skipped');
      expect(existsSync(olapFile(data))).toBe(false);
      // ... and rebuilding OLAP from the republished stream gives the same aggregates.
      expect(await project(olapFile(data), stream)).toEqual(aggregatesBefore);
    } finally {
      const jsm = await jetstreamManager(h.bus.bus.nc);
      for (const s of [stream, `${stream}_DLQ`]) await jsm.streams.delete(s).catch(() => {});
    }
  });
});

// The same commands as an operator runs them (`npx erpbi ...`), with stderr a pipe as in cron or CI:
// progress must come as plain lines (no bar, no escape codes) ending with done = total, and stdout
// must keep only the result.
describe('erpbi backup, restore and rebuild-olap off a terminal', () => {
  const root = join(import.meta.dirname, '..', '..');
  const cli = async (args: string[], env: Record<string, string>) => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(root, 'bin', 'erpbi.mjs'), ...args], { env: { ...process.env, ...env }, cwd: work });
    return { stdout, stderr };
  };
  const plain = (stderr: string) => {
    // eslint-disable-next-line no-control-regex -- the point: no escape sequence
    expect(stderr).not.toMatch(/[\x1b\r]/); // no cursor moves, colours or in-place redraws
    return stderr.split('\n');
  };
  /** The last progress line of `label` (notes such as `backup: <path>` aside), checked to read `<done>/<total>, 100%` with done = total. */
  const finalLine = (lines: string[], label: string) => {
    const line = lines.filter((l) => l.startsWith(`${label}: `) && /, \d+%, /.test(l)).at(-1);
    const m = new RegExp(`^${label}: ([^/]+)/([^,]+?)(?: events)?, 100%, [^,]+/s, done in \\S+$`).exec(line ?? '');
    expect(m, `${label}'s final line in:\n${lines.join('\n')}`).not.toBeNull();
    expect(m![1]).toBe(m![2]);
    return m![1]!;
  };
  let archive: string;

  it('backup: bytes written of the total, then only the path on stdout', async () => {
    const { stdout, stderr } = await cli(['backup', '--out', join(work, 'cli-backups'), '--tar'], {
      DATABASE_URL: h.db.url,
      NATS_URL: natsUrl,
      EVENTS_STREAM: h.bus.stream,
      ERPBI_DATA: join(work, 'box-a'),
    });
    archive = stdout.trim();
    expect(archive).toMatch(/erpbi-backup-\w+\.tar\.gz$/);
    expect(stdout.split('\n').filter(Boolean)).toHaveLength(1);
    const lines = plain(stderr);
    // The dump and the DuckDB copy together; the dump's estimate is replaced by its real size by the end.
    expect(finalLine(lines, 'backup')).toMatch(/^[\d.]+ (B|KiB|MiB)$/);
    expect(lines.filter((l) => /^backup: .*, \d+%, /.test(l)).slice(0, -1).every((l) => / left$/.test(l))).toBe(true);
    expect(lines).toContain(`backup: ${archive}`);
  });

  it('restore: bytes read of the archive, the dump and the DuckDB file', async () => {
    const { stdout, stderr } = await cli(['restore', archive], {
      DATABASE_URL: await createEmptyDatabase(),
      NATS_URL: natsUrl,
      EVENTS_STREAM: h.bus.stream,
      ERPBI_DATA: join(work, 'box-e'),
    });
    expect(stdout).toMatch(/^restored the backup of \S+; olap restored\n$/);
    const lines = plain(stderr);
    expect(finalLine(lines, 'restore unpack')).toBe(formatBytes(readFileSync(archive).length));
    finalLine(lines, 'restore database');
    expect(finalLine(lines, 'restore olap')).toBe(formatBytes(olapBytes.length));
    expect(readFileSync(olapFile(join(work, 'box-e'))).equals(olapBytes)).toBe(true);
  });

  it("rebuild-olap: events replayed of the stream's message count", async () => {
    // A box of its own: the projector behind a gateway, and the dev issuer's keys the CLI signs with.
    const box = join(work, 'box-r');
    const issuer = 'http://127.0.0.1/test-issuer';
    const keys = await loadOrCreateKeys(box);
    const verify = createVerifier({ issuer, audience: 'erpbi', rolesClaim: 'roles', keys: createLocalJWKSet({ keys: [keys.publicJwk] }) });
    const previousOlapFile = process.env.OLAP_FILE;
    process.env.OLAP_FILE = olapFile(box); // read once, when the projector's routes are registered
    const app = buildApp(projector, { deps: { db: h.db.pool, js: h.bus.bus.js, prefix: h.bus.prefix, stream: h.bus.stream, log: pino({ level: 'silent' }) }, verify });
    const gateway = await buildGateway({ upstream: (name) => (name === 'project-to-olap' ? `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` : undefined), waiting: () => [] });
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      await gateway.listen({ host: '127.0.0.1', port: 0 });
      writeBox({ clientSecret: 'test', issuer, gatewayUrl: `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}` }, box);

      const { stdout, stderr } = await cli(['rebuild-olap'], { ERPBI_DATA: box, NATS_URL: natsUrl, EVENTS_STREAM: h.bus.stream });
      const messages = (await (await jetstreamManager(h.bus.bus.nc)).streams.info(h.bus.stream)).state.messages;
      expect(messages).toBeGreaterThan(0);
      expect(stdout).toMatch(new RegExp(`^rebuilt the OLAP store from ${messages} events \\(watermark ${await streamLastSeq(h.bus.stream)}\\)`));
      expect(finalLine(plain(stderr), 'rebuild-olap')).toBe(String(messages));
    } finally {
      // The gateway's upstream pool keeps its sockets to the function alive for a minute, and a
      // server that served an event stream waits for them on close: end them outright.
      gateway.server.closeAllConnections();
      await gateway.close();
      app.server.closeAllConnections();
      await app.close();
      if (previousOlapFile === undefined) delete process.env.OLAP_FILE;
      else process.env.OLAP_FILE = previousOlapFile;
    }
    // The rebuilt file holds the same figures as the projection the backup was taken from.
    const store = new OlapStore(olapFile(box));
    try {
      expect(await aggregates(store)).toEqual(aggregatesBefore);
    } finally {
      await store.close();
    }
  });
});
