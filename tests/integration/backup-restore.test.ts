import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { pino } from 'pino';
import { createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { Decrypter, Encrypter } from 'age-encryption';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { backup, drill, olapFile, restore, writeKeyPair, readIdentityFile, type BackupResult } from '../../runtime/backup.js';
import { ensureBucket, type S3Target } from '../../runtime/backup-documents.js';
import { readBackupStatus } from '../../runtime/backup-status.js';
import { documentsBucket, localStorageKeys } from '../../runtime/object-storage.js';
import { startTestStorage, type TestStorage } from '../support/object-storage.js';
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

// A box with orders, invoices, payments, a credit note and an employee is backed up (pg_dump, DuckDB
// file, stream position), with a Keycloak database of its own role and the stored PDFs of its object
// storage (s3rver), encrypted with age, then restored into a FRESH database, Keycloak database, data
// dir and storage: every table must come back row for row, every document byte for byte, and the BI
// aggregates rebuilt from the restored events must equal the original ones. A backup that is altered, cut short or opened with the wrong key is refused
// before the database is touched, and the restore drill proves a backup restores.

let h: Harness;
let work: string;
let made: BackupResult;
/** The box's backup key pair: the identity file (0600) and its recipient. */
let keyFile: string;
let recipient: string;
let identities: string[];
/** What must never be readable in a backup: a customer's name and an employee's salary. */
const customerName = `Zanzibar Quillfeather ${randomBytes(3).toString('hex')} Ltd`;
const salary = 7_345_619;
const fresh: { name: string; url: string }[] = [];
let olapBytes: Buffer;
let aggregatesBefore: Record<string, unknown>;
const now = new Date();
/** The box's object storage (s3rver) holding its PDFs, and a second, blank one to restore into. */
let storage: TestStorage;
let blank: TestStorage;
/** Documents as stored: key -> bytes (one key with spaces and non-ASCII: keys may hold anything). */
const pdfs = new Map<string, Buffer>();
/** Keycloak's database as its own role (`keycloak` on the Pi; a name of this test's here, as the server is shared). */
const kc = { role: `kc_bkp_${randomBytes(4).toString('hex')}`, password: `kc-${randomBytes(6).toString('hex')}`, dbs: [] as string[] };
const kcUrl = (db: string) => adminUrl.replace(/^postgres:\/\/[^@]+@/, `postgres://${kc.role}:${kc.password}@`).replace(/\/[^/]*$/, `/${db}`);
let keycloakUrl: string;

/** A database owned by the Keycloak role, empty. */
async function createKeycloakDatabase(): Promise<string> {
  const name = `${kc.role}_${kc.dbs.length}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name} owner ${kc.role}`);
  await admin.end();
  kc.dbs.push(name);
  return kcUrl(name);
}

const s3 = (t: TestStorage) => new S3Client({ endpoint: t.url, region: 'us-east-1', forcePathStyle: true, credentials: localStorageKeys });
const target = (t: TestStorage): S3Target => ({ endpoint: t.url, region: 'us-east-1', bucket: documentsBucket, ...localStorageKeys });
async function objectBytes(t: TestStorage, key: string): Promise<{ bytes: Buffer; contentType: string | undefined }> {
  const client = s3(t);
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: documentsBucket, Key: key }));
    return { bytes: Buffer.from(await res.Body!.transformToByteArray()), contentType: res.ContentType };
  } finally {
    client.destroy();
  }
}

/** Every named BI query, with fixed parameters. */
async function aggregates(store: OlapStore): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const named = { sales: q.salesByHour(48, now), aging: q.arAging(now.toISOString().slice(0, 10)), stock: q.stockLevels, funnel: q.orderFunnel, top: q.topProducts(10), head: q.headcountByDepartment, pay: q.payrollByDepartment(3) };
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

/** A database name that does not exist: a restore that connected to it would fail with that, not with a refusal. */
const nowhereUrl = () => adminUrl.replace(/\/[^/]*$/, `/erpbi_never_${randomBytes(4).toString('hex')}`);

/** The tables of a database (none in a fresh one). */
async function tableCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ n: number }>(`select count(*)::int as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`)).rows[0]!.n;
  } finally {
    await client.end();
  }
}

/** Every member of a .tar.gz as [name, bytes], read without tar (ustar headers of 512 bytes). */
function tarMembers(archive: string): [string, Buffer][] {
  const tar = gunzipSync(readFileSync(archive));
  const out: [string, Buffer][] = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(header[156]!);
    if (type === '0' || type === '\0') out.push([prefix ? `${prefix}/${name}` : name, tar.subarray(at + 512, at + 512 + size)]);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** A copy of the archive's backup directory, unpacked, for tests that alter one file. */
function unpacked(label: string): string {
  const into = join(work, `unpacked-${label}`);
  mkdirSync(into);
  execFileSync('tar', ['-xzf', made.path, '-C', into]);
  return join(into, readdirSync(into)[0]!);
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
  const named = await h.post('upsert-customer', { name: customerName, paymentTermsDays: 14 }, { role: 'clerk' });
  expect(named.status).toBe(200);
  expect((await h.post('create-order', { customerId: named.body.id, lines: [{ sku, quantity: 1 }] }, { role: 'clerk' })).status).toBe(201);
  const hired = await h.post('hire-employee', { name: 'Quirinus Backupsson', email: `q.${randomBytes(3).toString('hex')}@example.com`, department: 'Finance', title: 'Controller', salary, currency: 'EUR', hiredAt: '2026-01-05' }, { role: 'admin' });
  expect(hired.status).toBe(201);
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

  // Keycloak's users, in a database its own role owns.
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create role ${kc.role} login password '${kc.password}'`);
  await admin.end();
  keycloakUrl = await createKeycloakDatabase();
  const kcClient = new pg.Client({ connectionString: keycloakUrl });
  await kcClient.connect();
  await kcClient.query(`create table user_entity (id text primary key, username text not null, email text);
    create table credential (id text primary key, user_id text not null references user_entity, secret_data text not null);
    insert into user_entity values ('u1', 'admin', 'admin@firm.example'), ('u2', 'clerk', 'clerk@firm.example');
    insert into credential values ('c1', 'u1', '{"value":"scrypt$abc"}'), ('c2', 'u2', '{"value":"scrypt$def"}');`);
  await kcClient.end();

  // The stored documents: PDFs under the keys render-document uses, one with a customer's name inside.
  storage = await startTestStorage();
  blank = await startTestStorage();
  pdfs.set('invoices/INV-2026-000001.pdf', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(`Bill to: ${customerName}\n`), randomBytes(40_000)]));
  pdfs.set('credit-notes/CN-2026-000001.pdf', Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(3_000)]));
  pdfs.set('invoices/Ünïcode and spaces + plus.pdf', Buffer.from('%PDF-1.7\n%%EOF\n'));
  const client = s3(storage);
  await ensureBucket(client, documentsBucket);
  for (const [key, bytes] of pdfs) await client.send(new PutObjectCommand({ Bucket: documentsBucket, Key: key, Body: bytes, ContentType: 'application/pdf' }));
  client.destroy();

  keyFile = join(work, 'keys', 'identity.txt');
  recipient = await writeKeyPair(keyFile);
  identities = readIdentityFile(keyFile);
  made = await backup({
    databaseUrl: h.db.url,
    dataDir: data,
    outDir: join(work, 'backups'),
    encryptTo: [recipient],
    nats: { url: natsUrl, stream: h.bus.stream },
    keycloakDatabaseUrl: keycloakUrl,
    documents: target(storage),
    tar: true,
  });
});

afterAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  for (const db of fresh) await admin.query(`drop database if exists ${db.name} with (force)`);
  for (const db of kc.dbs) await admin.query(`drop database if exists ${db} with (force)`);
  await admin.query(`drop role if exists ${kc.role}`);
  await admin.end();
  await storage?.remove();
  await blank?.remove();
  await h?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('erpbi backup and restore', () => {
  it('writes one archive (0600) and its checksum: the dump, the DuckDB snapshot, the stream position, every table\'s rows', async () => {
    expect(made.path.endsWith('.tar.gz')).toBe(true);
    expect(existsSync(made.path)).toBe(true);
    expect(made.manifest.format).toBe(3);
    expect(made.manifest.encryption).toEqual({ scheme: 'age', recipients: [recipient] });
    expect(made.manifest.olap!.db).toMatchObject({ file: 'olap/erpbi.duckdb.age', bytes: olapBytes.length });
    const outbox = Number((await h.db.pool.query('select count(*) from platform.outbox')).rows[0].count);
    expect(made.manifest.stream).toEqual({ name: h.bus.stream, firstSeq: 1, lastSeq: outbox, messages: outbox });
    expect(made.manifest.database.bytes).toBeGreaterThan(0);
    // The rows of every table, read in pg_dump's snapshot.
    const orders = Number((await h.db.pool.query('select count(*) from orders.orders')).rows[0].count);
    expect(made.manifest.database.rows['orders.orders']).toBe(orders);
    expect(made.manifest.database.rows['hr.employees']).toBe(1);
    expect(made.manifest.database.rows['platform.outbox']).toBe(outbox);
    // Every stored file has its SHA-256 in the manifest, and the archive its own in <archive>.sha256.
    expect(Object.keys(made.manifest.files).sort()).toEqual(['documents/000000.age', 'documents/000001.age', 'documents/000002.age', 'keycloak.dump.age', 'olap/erpbi.duckdb.age', 'postgres.dump.age']);
    // Keycloak's rows, and every document with its key, size and SHA-256 (keys in the order S3 lists them).
    expect(made.manifest.keycloak!.rows).toEqual({ 'public.credential': 2, 'public.user_entity': 2 });
    expect(made.manifest.documents!.bucket).toBe(documentsBucket);
    expect(made.manifest.documents!.objects.map((o) => [o.key, o.bytes, o.sha256, o.contentType])).toEqual(
      [...pdfs.keys()].sort().map((k) => [k, pdfs.get(k)!.length, createHash('sha256').update(pdfs.get(k)!).digest('hex'), 'application/pdf']),
    );
    const sha = execFileSync('sha256sum', [made.path]).toString().split(' ')[0];
    expect(made.checksum).toBe(`${made.path}.sha256`);
    expect(readFileSync(made.checksum!, 'utf8')).toBe(`${sha}  ${basename(made.path)}\n`);
    expect(made.pushed).toEqual([]);
  });

  it('encrypts every file: no customer name or salary in any byte, each an age file; files 0600, directories 0700', async () => {
    for (const file of [made.path, made.checksum!]) expect(statSync(file).mode & 0o777, file).toBe(0o600);
    expect(statSync(join(work, 'backups')).mode & 0o777).toBe(0o700);
    const members = tarMembers(made.path);
    expect(members.map(([name]) => name.replace(/^[^/]+\//, '')).sort()).toEqual([
      'documents/000000.age', 'documents/000001.age', 'documents/000002.age', 'keycloak.dump.age', 'manifest.json.age', 'olap/erpbi.duckdb.age', 'postgres.dump.age',
    ]);
    const needles = [customerName, 'Quirinus Backupsson', String(salary), 'clerk@firm.example', 'Bill to:', '%PDF', ...[...pdfs.keys()].map((k) => k.replace(/^.*\//, ''))].map((n) => Buffer.from(n));
    const scratch = join(work, 'scan');
    mkdirSync(scratch);
    for (const [name, bytes] of members) {
      expect(bytes.subarray(0, 22).toString(), name).toBe('age-encryption.org/v1\n');
      for (const needle of needles) expect(bytes.includes(needle), `${needle} in ${name}`).toBe(false);
      // pg_dump compresses its data: what pg_restore would print of the file must hold none either.
      const file = join(scratch, basename(name));
      writeFileSync(file, bytes);
      const sql = await promisify(execFile)('pg_restore', ['--file=-', file]).then((r) => r.stdout, () => '');
      for (const needle of needles) expect(sql.includes(needle.toString()), `${needle} in pg_restore of ${name}`).toBe(false);
    }
    // The tar headers themselves: the modes the files were written with.
    execFileSync('tar', ['-xzf', made.path, '-C', scratch]);
    const inner = join(scratch, basename(made.path, '.tar.gz'));
    expect(statSync(inner).mode & 0o777).toBe(0o700);
    expect(statSync(join(inner, 'olap')).mode & 0o777).toBe(0o700);
    expect(statSync(join(inner, 'documents')).mode & 0o777).toBe(0o700);
    for (const f of ['manifest.json.age', 'postgres.dump.age', 'keycloak.dump.age', 'olap/erpbi.duckdb.age', 'documents/000000.age']) expect(statSync(join(inner, f)).mode & 0o777, f).toBe(0o600);
    // ... and Debian's age CLI reads them, when it is installed (the disaster path without erpbi).
    const age = await promisify(execFile)('age', ['-d', '-i', keyFile, join(inner, 'manifest.json.age')]).then((r) => r.stdout, () => null);
    if (age !== null) expect(JSON.parse(age).createdAt).toBe(made.manifest.createdAt);
  });

  it('restores into a fresh database the same orders, invoices, payments, ledger and every other row; Keycloak\'s rows; every document byte for byte', async () => {
    const url = await createEmptyDatabase();
    const data = join(work, 'box-b');
    const kcInto = await createKeycloakDatabase();
    const blankClient = s3(blank);
    await ensureBucket(blankClient, documentsBucket); // the installer makes the bucket with the admin keys
    blankClient.destroy();
    expect(await blank.keys('')).toEqual([]);
    const result = await restore({ from: made.path, identities, databaseUrl: url, dataDir: data, nats: { url: natsUrl, stream: h.bus.stream }, keycloakDatabaseUrl: kcInto, documents: target(blank) });
    expect([result.keycloak, result.documents]).toEqual(['restored', pdfs.size]);
    expect(await snapshot(kcInto)).toEqual(await snapshot(keycloakUrl));
    expect((await blank.keys('')).sort()).toEqual([...pdfs.keys()].sort());
    for (const [key, bytes] of pdfs) {
      const got = await objectBytes(blank, key);
      expect(got.bytes.equals(bytes), key).toBe(true);
      expect(got.contentType, key).toBe('application/pdf');
    }

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
      expect(numbers).toEqual([1, 2, 3, 4]); // the named customer's order too
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
    await expect(restore({ from: made.path, identities, databaseUrl: h.db.url, dataDir: join(work, 'box-c'), leaveOut: ['keycloak', 'documents'] })).rejects.toThrow(/not empty/);
    expect(await snapshot(h.db.url)).toEqual(before);
    expect(existsSync(olapFile(join(work, 'box-c')))).toBe(false);
  });

  it("refuses, before anything is written: no target for Keycloak's database or the documents, or a Keycloak database that holds tables", async () => {
    const url = await createEmptyDatabase();
    const base = { from: made.path, identities, databaseUrl: url, dataDir: join(work, 'box-k') };
    await expect(restore({ ...base, documents: target(blank) })).rejects.toThrow(/the backup holds Keycloak's database .*KEYCLOAK_DATABASE_URL.*--leave-out keycloak/);
    await expect(restore({ ...base, keycloakDatabaseUrl: await createKeycloakDatabase() })).rejects.toThrow(/the backup holds the stored documents .*WRITER keys.*--leave-out documents/);
    // Keycloak's own database, with the tables it made at its first start:
    await expect(restore({ ...base, keycloakDatabaseUrl: keycloakUrl, documents: target(blank) })).rejects.toThrow(/the target Keycloak database is not empty .*stop keycloak, drop and create the database keycloak again/);
    expect(await tableCount(url)).toBe(0);
    expect(existsSync(olapFile(join(work, 'box-k')))).toBe(false);
  });

  it('refuses a backup whose stored document was altered, before it touches anything', async () => {
    const dir = unpacked('document');
    const doc = join(dir, 'documents', '000001.age');
    const bytes = readFileSync(doc);
    bytes[bytes.length - 10]! ^= 0x20;
    writeFileSync(doc, bytes);
    await expect(restore({ from: dir, identities, databaseUrl: nowhereUrl(), dataDir: join(work, 'box-x'), keycloakDatabaseUrl: nowhereUrl(), documents: target(blank) })).rejects.toThrow(
      /^refused: documents\/000001\.age of .* does not match the manifest .*: it was altered or cut short; nothing was restored$/,
    );
  });

  it('reads a backup of manifest format 2 (before Keycloak and the documents) as one without them', async () => {
    const dir = unpacked('format2');
    const d = new Decrypter();
    d.addIdentity(identities[0]!);
    const m = JSON.parse(await d.decrypt(readFileSync(join(dir, 'manifest.json.age')), 'text'));
    const { keycloak: _k, documents: _d, ...rest } = m;
    const v2 = { ...rest, format: 2, files: Object.fromEntries(Object.entries(m.files).filter(([f]) => f === 'postgres.dump.age' || f.startsWith('olap/'))) };
    rmSync(join(dir, 'keycloak.dump.age'));
    rmSync(join(dir, 'documents'), { recursive: true });
    const e = new Encrypter();
    e.addRecipient(recipient);
    writeFileSync(join(dir, 'manifest.json.age'), await e.encrypt(JSON.stringify(v2)));
    const url = await createEmptyDatabase();
    const result = await restore({ from: dir, identities, databaseUrl: url, dataDir: join(work, 'box-2') });
    expect([result.manifest.format, result.keycloak, result.documents]).toEqual([2, 'absent', 'absent']);
    expect(await snapshot(url)).toEqual(await snapshot(h.db.url));
    // ... and a manifest of a newer erpbi is refused, saying so.
    writeFileSync(join(dir, 'manifest.json.age'), await e.encrypt(JSON.stringify({ ...v2, format: 4 })));
    await expect(restore({ from: dir, identities, databaseUrl: nowhereUrl(), dataDir: join(work, 'box-2n') })).rejects.toThrow(/^refused: .* was written by a newer erpbi \(manifest format 4/);
  });

  it('onto a new, empty stream: republishes the outbox in order and leaves the stale DuckDB snapshot out', async () => {
    const url = await createEmptyDatabase();
    const data = join(work, 'box-d');
    const prefix = `bkr${randomBytes(3).toString('hex')}`;
    const stream = `${prefix.toUpperCase()}_EVENTS`;
    await ensureStreams(h.bus.bus.nc, stream, prefix);
    try {
      const result = await restore({ from: made.path, identities, databaseUrl: url, dataDir: data, nats: { url: natsUrl, stream }, republishEvents: { prefix }, leaveOut: ['keycloak', 'documents'] });
      expect([result.keycloak, result.documents]).toEqual(['left out', 'left out']);
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

  it('refuses the wrong identity, and writes nothing', async () => {
    const other = join(work, 'keys', 'other.txt');
    await writeKeyPair(other);
    const url = await createEmptyDatabase();
    const data = join(work, 'box-w');
    await expect(restore({ from: made.path, identities: readIdentityFile(other), databaseUrl: url, dataDir: data, nats: { url: natsUrl, stream: h.bus.stream } })).rejects.toThrow(
      /^refused: the identity given does not open .* \(it was encrypted to other recipients\); nothing was restored$/,
    );
    await expect(restore({ from: made.path, identities: [], databaseUrl: url, dataDir: data })).rejects.toThrow(/is encrypted: give the age identity/);
    expect(await tableCount(url)).toBe(0);
    expect(existsSync(olapFile(data))).toBe(false);
  });

  it('refuses an archive with one byte flipped, or cut short, before it touches the database', async () => {
    const bad = join(work, 'bad');
    mkdirSync(bad);
    const flipped = join(bad, basename(made.path));
    copyFileSync(made.path, flipped);
    const bytes = readFileSync(flipped);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(flipped, bytes);
    // The database does not exist: a restore that connected to it would fail otherwise than refused.
    const opts = { identities, databaseUrl: nowhereUrl(), dataDir: join(work, 'box-t') };
    copyFileSync(made.checksum!, `${flipped}.sha256`);
    await expect(restore({ from: flipped, ...opts })).rejects.toThrow(/^refused: .* does not match .*\.sha256: the archive was altered or cut short; nothing was restored$/);
    // Without its checksum file the archive still cannot pass: gzip's CRC or the manifest's SHA-256 stops it.
    rmSync(`${flipped}.sha256`);
    await expect(restore({ from: flipped, ...opts })).rejects.toThrow(/^refused: /);
    const cut = join(bad, 'cut.tar.gz');
    writeFileSync(cut, readFileSync(made.path).subarray(0, Math.floor(statSync(made.path).size * 0.9)));
    await expect(restore({ from: cut, ...opts })).rejects.toThrow(/^refused: .* cannot be unpacked, it is damaged or cut short/);
    expect(existsSync(olapFile(join(work, 'box-t')))).toBe(false);
  });

  it('refuses a backup directory whose dump was altered (the manifest\'s SHA-256), or whose manifest was replaced', async () => {
    const dir = unpacked('altered');
    const dump = join(dir, 'postgres.dump.age');
    const bytes = readFileSync(dump);
    bytes[bytes.length - 100]! ^= 0x80;
    writeFileSync(dump, bytes);
    const opts = { identities, databaseUrl: nowhereUrl(), dataDir: join(work, 'box-a2') };
    await expect(restore({ from: dir, ...opts })).rejects.toThrow(/^refused: postgres\.dump\.age of .* does not match the manifest .*: it was altered or cut short; nothing was restored$/);
    // A plaintext manifest put in the sealed one's place (whoever has only the backups cannot seal one):
    const forged = unpacked('forged');
    rmSync(join(forged, 'manifest.json.age'));
    writeFileSync(join(forged, 'manifest.json'), JSON.stringify({ ...made.manifest, encryption: null }));
    await expect(restore({ from: forged, ...opts })).rejects.toThrow(/^refused: .* is not encrypted, so nothing shows who wrote it; restore it only if you made it yourself, with --plaintext/);
  });

  it('--plaintext: written only when asked (0600 all the same), and restored only when asked again', async () => {
    const plain = await backup({ databaseUrl: h.db.url, dataDir: join(work, 'box-a'), outDir: join(work, 'plain'), encryptTo: 'plaintext' });
    expect(plain.manifest.encryption).toBeNull();
    expect(readdirSync(plain.path).sort()).toEqual(['manifest.json', 'olap', 'postgres.dump']);
    expect(statSync(join(plain.path, 'postgres.dump')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(plain.path, 'postgres.dump')).subarray(0, 5).toString()).toBe('PGDMP');
    const url = await createEmptyDatabase();
    await expect(restore({ from: plain.path, identities, databaseUrl: url, dataDir: join(work, 'box-p') })).rejects.toThrow(/is not encrypted.*with --plaintext/);
    expect(await tableCount(url)).toBe(0);
    await restore({ from: plain.path, identities: [], plaintext: true, databaseUrl: url, dataDir: join(work, 'box-p') });
    expect(await snapshot(url)).toEqual(await snapshot(h.db.url));
  });

  it('the drill: restores into a scratch database, finds every count as backed up, and drops it', async () => {
    const lines: string[] = [];
    const result = await drill({ from: made.path, identities, target: { scratchFrom: adminUrl }, log: (l) => lines.push(l) });
    expect(result.database).toMatch(/^erpbi_drill_\d{14}_[0-9a-f]{6}$/);
    expect(result.tables).toBe(Object.keys(made.manifest.database.rows).length);
    expect(result.rows).toBe(Object.values(made.manifest.database.rows).reduce((a, b) => a + b, 0));
    expect(result.olap).toBe('checked');
    expect(result.keycloak).toEqual({ tables: 2, rows: 4 });
    expect(result.documents).toBe(pdfs.size);
    expect(lines.join('\n')).toMatch(/every count as backed up/);
    expect(lines.join('\n')).toMatch(/keycloak: restored into erpbi_drill_\w+_keycloak \(scratch, dropped after\); 2 tables, 4 rows/);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      expect((await admin.query('select 1 from pg_database where datname = any($1)', [[result.database, `${result.database}_keycloak`]])).rowCount).toBe(0);
    } finally {
      await admin.end();
    }
    // Into a given empty database, which is left as restored.
    const into = await createEmptyDatabase();
    expect((await drill({ from: made.path, identities, target: { into } })).database).toBe(into.replace(/^.*\//, ''));
    expect(await snapshot(into)).toEqual(await snapshot(h.db.url));
  });

  it('the drill fails on a bad backup: one altered, and one whose restore does not give the rows recorded (scratch dropped all the same)', async () => {
    const dir = unpacked('drill-bad');
    const dump = join(dir, 'postgres.dump.age');
    const bytes = readFileSync(dump);
    bytes[200]! ^= 0x04;
    writeFileSync(dump, bytes);
    await expect(drill({ from: dir, identities, target: { scratchFrom: nowhereUrl() } })).rejects.toThrow(/^refused: postgres\.dump\.age .* does not match the manifest/);

    // A manifest (sealed with the right key) that recorded more rows than the dump holds: the drill sees it.
    const short = unpacked('drill-short');
    const d = new Decrypter();
    d.addIdentity(identities[0]!);
    const manifest = JSON.parse(await d.decrypt(readFileSync(join(short, 'manifest.json.age')), 'text'));
    manifest.database.rows['orders.orders'] += 1;
    const e = new Encrypter();
    e.addRecipient(recipient);
    writeFileSync(join(short, 'manifest.json.age'), await e.encrypt(JSON.stringify(manifest)));
    const before = await drillDatabases();
    await expect(drill({ from: short, identities, target: { scratchFrom: adminUrl } })).rejects.toThrow(
      /^the drill's restore differs from the backup: orders\.orders: \d+ restored, \d+ backed up$/,
    );
    expect(await drillDatabases()).toEqual(before);
  });
});

/** The scratch databases of drills that exist now. */
async function drillDatabases(): Promise<string[]> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return (await admin.query<{ d: string }>(`select datname as d from pg_database where datname like 'erpbi\\_drill\\_%' order by 1`)).rows.map((r) => r.d);
  } finally {
    await admin.end();
  }
}

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
  /** pg_dump and pg_restore stand-ins that log their argv, environment and PGPASSFILE, then run the real ones. */
  let binDir: string;
  let spawnLog: string;
  const password = `pw-${randomBytes(6).toString('hex')}-never-in-argv`;
  /** The harness database's URL with a password (the trust login ignores it; the tools must not show it). */
  const withPassword = (url: string) => url.replace('postgres://postgres@', `postgres://postgres:${encodeURIComponent(password)}@`);

  beforeAll(() => {
    binDir = join(work, 'bin');
    spawnLog = join(work, 'spawn.log');
    mkdirSync(binDir);
    for (const tool of ['pg_dump', 'pg_restore']) {
      const real = execFileSync('sh', ['-c', `command -v ${tool}`]).toString().trim();
      const wrapper = join(binDir, tool);
      writeFileSync(
        wrapper,
        `#!/bin/sh\n{ echo "== ${tool}"; for a in "$@"; do echo "argv: $a"; done; env | sed 's/^/env: /'; ` +
          `if [ -n "$PGPASSFILE" ]; then echo "passfile: $PGPASSFILE $(stat -c %a "$PGPASSFILE") $(stat -c %a "$(dirname "$PGPASSFILE")")"; sed 's/^/passfile-line: /' "$PGPASSFILE"; fi; } >> '${spawnLog}'\n` +
          `exec '${real}' "$@"\n`,
      );
      chmodSync(wrapper, 0o755);
    }
  });

  /** What the stand-ins logged of `tool`'s runs, oldest first. */
  const runsOf = (tool: string) => readFileSync(spawnLog, 'utf8').split(/^== /m).filter((b) => b.startsWith(`${tool}\n`));
  const spawned = (tool: string) => runsOf(tool).at(-1)!;
  /** The nightly job's status file (runtime/backup-status.ts), as the connector would read it. */
  const statusFile = () => join(work, 'status', 'backup-status.json');
  /** Keycloak's database and the documents as the CLI reads them (the password: the one no tool may show). */
  const parts = () => ({ KEYCLOAK_DATABASE_URL: kcUrl(kc.dbs[0]!).replace(`:${kc.password}@`, `:${encodeURIComponent(password)}@`), ...storage.env });

  it('backup: refuses to write a plaintext backup on a server with no recipient configured, and writes nothing', async () => {
    const out = join(work, 'cli-refused');
    const failed = await cli(['backup', '--out', out, '--tar', '--no-stream'], { DATABASE_URL: h.db.url, ERPBI_DATA: join(work, 'box-a'), ERPBI_BACKUP_STATUS_FILE: statusFile() }).then(
      () => null,
      (err: { stderr: string }) => err.stderr,
    );
    expect(failed).toMatch(/erpbi backup: no backup recipient: set ERPBI_BACKUP_RECIPIENTS .*--plaintext writes a backup unencrypted/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    // ... and the failure is recorded for Prometheus, with nothing else.
    const status = readBackupStatus(statusFile())!;
    expect(status.backup.lastSuccess).toBeNull();
    expect(status.backup.lastFailure).toMatchObject({ step: 'backup' });
    expect(status.drill).toEqual({ lastSuccess: null, lastFailure: null });
  });

  it('backup: bytes written of the total, then only the path on stdout; no password in the argv or environment of pg_dump', async () => {
    const { stdout, stderr } = await cli(['backup', '--out', join(work, 'cli-backups'), '--tar'], {
      DATABASE_URL: withPassword(h.db.url),
      NATS_URL: natsUrl,
      EVENTS_STREAM: h.bus.stream,
      ERPBI_DATA: join(work, 'box-a'),
      ERPBI_BACKUP_RECIPIENTS: recipient,
      ERPBI_BACKUP_STATUS_FILE: statusFile(),
      PATH: `${binDir}:${process.env.PATH}`,
      PGPASSWORD: password,
      ...parts(),
    });
    archive = stdout.trim();
    expect(archive).toMatch(/erpbi-backup-\w+\.tar\.gz$/);
    expect(stdout.split('\n').filter(Boolean)).toHaveLength(1);
    const lines = plain(stderr);
    // The dump and the DuckDB copy together; the dump's estimate is replaced by its real size by the end.
    expect(finalLine(lines, 'backup')).toMatch(/^[\d.]+ (B|KiB|MiB)$/);
    expect(lines.filter((l) => /^backup: .*, \d+%, /.test(l)).slice(0, -1).every((l) => / left$/.test(l))).toBe(true);
    expect(lines).toContain(`backup: ${archive}`);
    finalLine(lines, 'backup keycloak');
    expect(finalLine(lines, 'backup documents')).toBe(formatBytes([...pdfs.values()].reduce((a, b) => a + b.length, 0)));
    // The password reached pg_dump only through its PGPASSFILE: 0600 in a 0700 directory, gone afterwards:
    // erpbi's dump, then Keycloak's (as its own role).
    const [erpbiRun, keycloakRun] = runsOf('pg_dump').slice(-2);
    for (const [run, url] of [[erpbiRun!, h.db.url], [keycloakRun!, kcUrl(kc.dbs[0]!).replace(`:${kc.password}@`, '@')]] as const) {
      const argv = run.split('\n').filter((l) => l.startsWith('argv: '));
      expect(argv.some((l) => l.includes(`--dbname=${url}`)), url).toBe(true);
      expect(run.split('\n').filter((l) => !l.startsWith('passfile-line: ')).join('\n')).not.toContain(password);
      expect(run).not.toMatch(/^env: (DATABASE_URL|KEYCLOAK_DATABASE_URL|PGPASSWORD|S3_SECRET_ACCESS_KEY)=/m);
      const [, passfile, mode, dirMode] = /^passfile: (\S+) (\d+) (\d+)$/m.exec(run)!;
      expect([mode, dirMode]).toEqual(['600', '700']);
      expect(run).toContain(`passfile-line: *:*:*:*:${password}`);
      expect(existsSync(passfile!)).toBe(false);
    }
    expect(statSync(archive).mode & 0o777).toBe(0o600);
    // The night's success is recorded after the earlier failure, with the archive's size.
    const status = readBackupStatus(statusFile())!;
    expect(status.backup.lastSuccess!.bytes).toBe(statSync(archive).size);
    expect(Date.parse(status.backup.lastSuccess!.at)).toBeGreaterThan(Date.parse(status.backup.lastFailure!.at));
    expect(statSync(statusFile()).mode & 0o777).toBe(0o644);
  });

  it('restore: bytes read of the archive, the dump and the DuckDB file', async () => {
    const { stdout, stderr } = await cli(['restore', archive], {
      DATABASE_URL: withPassword(await createEmptyDatabase()),
      NATS_URL: natsUrl,
      EVENTS_STREAM: h.bus.stream,
      ERPBI_DATA: join(work, 'box-e'),
      ERPBI_BACKUP_IDENTITY_FILE: keyFile,
      PATH: `${binDir}:${process.env.PATH}`,
      ...parts(),
      KEYCLOAK_DATABASE_URL: withPassword(await createKeycloakDatabase()),
      ...blank.env,
    });
    expect(stdout).toMatch(new RegExp(`^restored the backup of \\S+; olap restored; keycloak restored; ${pdfs.size} documents restored\n$`));
    const lines = plain(stderr);
    expect(finalLine(lines, 'restore unpack')).toBe(formatBytes(readFileSync(archive).length));
    finalLine(lines, 'restore database');
    expect(finalLine(lines, 'restore olap')).toBe(formatBytes(olapBytes.length));
    expect(readFileSync(olapFile(join(work, 'box-e'))).equals(olapBytes)).toBe(true);
    finalLine(lines, 'restore keycloak');
    finalLine(lines, 'restore documents');
    const run = spawned('pg_restore');
    expect(run.split('\n').filter((l) => !l.startsWith('passfile-line: ')).join('\n')).not.toContain(password);
    expect(run).toMatch(/^passfile: \S+ 600 700$/m);
  });

  it('backup verify: the drill through the CLI, a line of result on stdout', async () => {
    const { stdout, stderr } = await cli(['backup', 'verify', archive, '--identity', keyFile], {
      DATABASE_URL: withPassword(h.db.url),
      ERPBI_DRILL_DATABASE_URL: withPassword(adminUrl),
      ERPBI_DATA: join(work, 'box-v'),
      ERPBI_BACKUP_STATUS_FILE: statusFile(),
      PATH: `${binDir}:${process.env.PATH}`,
    });
    expect(stdout).toMatch(
      new RegExp(`^drill passed: the backup of \\S+ restored into erpbi_drill_\\w+, \\d+ tables and \\d+ rows as backed up; olap checked; keycloak 2 tables and 4 rows as backed up; documents ${pdfs.size} checked; [\\d.]+ s\n$`),
    );
    finalLine(plain(stderr), 'drill database');
    const run = spawned('pg_restore');
    expect(run.split('\n').filter((l) => !l.startsWith('passfile-line: ')).join('\n')).not.toContain(password);
    expect(run).toMatch(/^passfile: \S+ 600 700$/m);
    expect(readBackupStatus(statusFile())!.drill).toMatchObject({ lastSuccess: { seconds: expect.any(Number) }, lastFailure: null });
  });

  it('backup verify of an altered archive, and a push the nightly job saw fail: recorded as failures', async () => {
    const bad = join(work, 'cli-bad.tar.gz');
    const bytes = readFileSync(archive);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(bad, bytes);
    const env = { DATABASE_URL: h.db.url, ERPBI_DATA: join(work, 'box-v'), ERPBI_BACKUP_STATUS_FILE: statusFile() };
    const failed = await cli(['backup', 'verify', bad, '--identity', keyFile], env).then(() => null, (err: { stderr: string }) => err.stderr);
    expect(failed).toMatch(/refused: /);
    const afterDrill = readBackupStatus(statusFile())!;
    expect(Date.parse(afterDrill.drill.lastFailure!.at)).toBeGreaterThanOrEqual(Date.parse(afterDrill.drill.lastSuccess!.at));
    await cli(['backup', 'record-failure', 'push'], env);
    const afterPush = readBackupStatus(statusFile())!;
    expect(afterPush.backup.lastFailure!.step).toBe('push');
    expect(Date.parse(afterPush.backup.lastFailure!.at)).toBeGreaterThanOrEqual(Date.parse(afterPush.backup.lastSuccess!.at));
    expect(afterPush.drill).toEqual(afterDrill.drill);
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
