import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { backup, type BackupResult } from '../../cli/backup/backup.js';
import { olapFile } from '../../cli/backup/manifest.js';
import { writeKeyPair, readIdentityFile } from '../../cli/backup/age.js';
import { ensureBucket, type S3Target } from '../../cli/backup/documents.js';
import { documentsBucket, localStorageKeys } from '../../runtime/box/object-storage.js';
import { startTestStorage, type TestStorage } from './object-storage.js';
import { createHarness, type Harness } from './harness.js';
import { seed } from './fixtures.js';
import { adminUrl } from './postgres.js';
import { natsUrl } from './nats.js';
import { OlapStore } from '../../olap/store.js';
import { replayStream } from '../../olap/replay.js';
import * as q from '../../olap/queries.js';

// The box every backup test starts from (tests/integration/backup-restore*.test.ts): a harness with
// orders, invoices, payments, a credit note and an employee, its DuckDB file projected from the stream,
// a Keycloak database of its own role, the stored PDFs in an object storage (s3rver), and one encrypted
// backup of it all (`made`). Each test file calls useBackupBox() once; the state below is filled in its
// beforeAll (ES modules export live bindings) and removed in its afterAll.

export let h: Harness;
export let work: string;
export let made: BackupResult;
/** The box's backup key pair: the identity file (0600) and its recipient. */
export let keyFile: string;
export let recipient: string;
export let identities: string[];
/** What must never be readable in a backup: a customer's name and an employee's salary. */
export const customerName = `Zanzibar Quillfeather ${randomBytes(3).toString('hex')} Ltd`;
export const salary = 7_345_619;
export const fresh: { name: string; url: string }[] = [];
export let olapBytes: Buffer;
export let aggregatesBefore: Record<string, unknown>;
export const now = new Date();
/** The box's object storage (s3rver) holding its PDFs, and a second, blank one to restore into. */
export let storage: TestStorage;
export let blank: TestStorage;
/** Documents as stored: key -> bytes (one key with spaces and non-ASCII: keys may hold anything). */
export const pdfs = new Map<string, Buffer>();
/** Keycloak's database as its own role (`keycloak` on the Pi; a name of this test's here, as the server is shared). */
export const kc = { role: `kc_bkp_${randomBytes(4).toString('hex')}`, password: `kc-${randomBytes(6).toString('hex')}`, dbs: [] as string[] };
export const kcUrl = (db: string) => adminUrl.replace(/^postgres:\/\/[^@]+@/, `postgres://${kc.role}:${kc.password}@`).replace(/\/[^/]*$/, `/${db}`);
export let keycloakUrl: string;

/** A database owned by the Keycloak role, empty. */
export async function createKeycloakDatabase(): Promise<string> {
  const name = `${kc.role}_${kc.dbs.length}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name} owner ${kc.role}`);
  await admin.end();
  kc.dbs.push(name);
  return kcUrl(name);
}

export const s3 = (t: TestStorage) => new S3Client({ endpoint: t.url, region: 'us-east-1', forcePathStyle: true, credentials: localStorageKeys });
export const target = (t: TestStorage): S3Target => ({ endpoint: t.url, region: 'us-east-1', bucket: documentsBucket, ...localStorageKeys });
export async function objectBytes(t: TestStorage, key: string): Promise<{ bytes: Buffer; contentType: string | undefined }> {
  const client = s3(t);
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: documentsBucket, Key: key }));
    return { bytes: Buffer.from(await res.Body!.transformToByteArray()), contentType: res.ContentType };
  } finally {
    client.destroy();
  }
}

/** Every named BI query, with fixed parameters. */
export async function aggregates(store: OlapStore): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const named = {
    sales: q.salesByHour(48, now),
    aging: q.arAging(now.toISOString().slice(0, 10)),
    stock: q.stockLevels,
    funnel: q.orderFunnel,
    top: q.topProducts(10),
    head: q.headcountByDepartment,
    pay: q.payrollByDepartment(3),
  };
  for (const [name, sql] of Object.entries(named)) out[name] = (await store.query(sql)).rows;
  return out;
}

/** A DuckDB file built the way the projector builds it: the whole stream, in order. */
export async function project(file: string, stream: string): Promise<Record<string, unknown>> {
  const store = new OlapStore(file);
  try {
    await replayStream(h.bus.bus.js, stream, async (batch) => void (await store.apply(batch)));
    return await aggregates(store);
  } finally {
    await store.close();
  }
}

export async function createEmptyDatabase(): Promise<string> {
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
export async function snapshot(url: string): Promise<Record<string, string[]>> {
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
export const nowhereUrl = () => adminUrl.replace(/\/[^/]*$/, `/erpbi_never_${randomBytes(4).toString('hex')}`);

/** The tables of a database (none in a fresh one). */
export async function tableCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (
      await client.query<{ n: number }>(
        `select count(*)::int as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`,
      )
    ).rows[0]!.n;
  } finally {
    await client.end();
  }
}

/** Every member of a .tar.gz as [name, bytes], read without tar (ustar headers of 512 bytes). */
export function tarMembers(archive: string): [string, Buffer][] {
  const tar = gunzipSync(readFileSync(archive));
  const out: [string, Buffer][] = [];
  for (let at = 0; at + 512 <= tar.length;) {
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
export function unpacked(label: string): string {
  const into = join(work, `unpacked-${label}`);
  mkdirSync(into);
  execFileSync('tar', ['-xzf', made.path, '-C', into]);
  return join(into, readdirSync(into)[0]!);
}

export async function streamLastSeq(stream: string): Promise<number> {
  const jsm = await jetstreamManager(h.bus.bus.nc);
  return (await jsm.streams.info(stream)).state.last_seq;
}

/** The scratch databases of drills that exist now. */
export async function drillDatabases(): Promise<string[]> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return (await admin.query<{ d: string }>(`select datname as d from pg_database where datname like 'erpbi\\_drill\\_%' order by 1`)).rows.map((r) => r.d);
  } finally {
    await admin.end();
  }
}

/** Registers the box's setup and teardown on the calling test file. */
export function useBackupBox(): void {
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
    const hired = await h.post(
      'hire-employee',
      {
        name: 'Quirinus Backupsson',
        email: `q.${randomBytes(3).toString('hex')}@example.com`,
        department: 'Finance',
        title: 'Controller',
        salary,
        currency: 'EUR',
        hiredAt: '2026-01-05',
      },
      { role: 'admin' },
    );
    expect(hired.status).toBe(201);
    const rejected = await h.post('create-order', { customerId, lines: [{ sku, quantity: 500 }] }, { role: 'clerk' });
    expect(rejected.status).toBe(201);
    await h.settle();
    const invoices = (await h.get('query', `/invoices?customerId=${customerId}`, { role: 'accountant' })).body.items as {
      id: string;
      orderId: string;
      total: number;
    }[];
    expect(invoices).toHaveLength(3);
    const byOrder = (id: string) => invoices.find((i) => i.orderId === id)!;
    expect(
      (await h.post('record-payment', { invoiceId: byOrder(ids[0]!).id, amount: byOrder(ids[0]!).total, method: 'card' }, { role: 'accountant' })).status,
    ).toBe(201);
    expect(
      (await h.post('record-payment', { invoiceId: byOrder(ids[1]!).id, amount: 1000, method: 'bank_transfer', reference: 'part' }, { role: 'accountant' }))
        .status,
    ).toBe(201);
    expect((await h.post('cancel-order', { id: ids[2], reason: 'changed mind' }, { role: 'clerk' })).status).toBe(200);
    await h.settle();
    // The stream holds the published events, so the backup has a position to record.
    const { rows } = await h.db.pool.query<{ subject: string; payload: unknown; id: string }>(
      'select id, subject, payload from platform.outbox order by created_at, id',
    );
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
    for (const [key, bytes] of pdfs)
      await client.send(new PutObjectCommand({ Bucket: documentsBucket, Key: key, Body: bytes, ContentType: 'application/pdf' }));
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
}
