import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { Decrypter, Encrypter } from 'age-encryption';
import { backup } from '../../cli/backup/backup.js';
import { drill } from '../../cli/backup/drill.js';
import { olapFile } from '../../cli/backup/manifest.js';
import { restore } from '../../cli/backup/restore.js';
import { ensureBucket } from '../../cli/backup/documents.js';
import { documentsBucket } from '../../runtime/box/object-storage.js';
import { createPool } from '../../shared/db/pool.js';
import { migrate } from '../../shared/db/migrate.js';
import { ensureStreams } from '../../shared/events/bus.js';
import { adminUrl } from '../support/postgres.js';
import { natsUrl } from '../support/nats.js';
import { OlapStore } from '../../olap/store.js';
import {
  h,
  work,
  made,
  keyFile,
  recipient,
  identities,
  customerName,
  salary,
  olapBytes,
  aggregatesBefore,
  blank,
  pdfs,
  keycloakUrl,
  createKeycloakDatabase,
  s3,
  target,
  objectBytes,
  aggregates,
  project,
  createEmptyDatabase,
  snapshot,
  nowhereUrl,
  tableCount,
  tarMembers,
  unpacked,
  streamLastSeq,
  drillDatabases,
  useBackupBox,
} from '../support/backup-box.js';

// A box with orders, invoices, payments, a credit note and an employee is backed up (pg_dump, DuckDB
// file, stream position), with a Keycloak database of its own role and the stored PDFs of its object
// storage (s3rver), encrypted with age, then restored into a FRESH database, Keycloak database, data
// dir and storage: every table must come back row for row, every document byte for byte, and the BI
// aggregates rebuilt from the restored events must equal the original ones; and the restore drill proves
// a backup restores. A backup that is altered, cut short or opened with the wrong key is refused before the
// database is touched: backup-restore-refusals.test.ts.
useBackupBox();

describe('erpbi backup and restore', () => {
  it("writes one archive (0600) and its checksum: the dump, the DuckDB snapshot, the stream position, every table's rows", async () => {
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
    expect(Object.keys(made.manifest.files).sort()).toEqual([
      'documents/000000.age',
      'documents/000001.age',
      'documents/000002.age',
      'keycloak.dump.age',
      'olap/erpbi.duckdb.age',
      'postgres.dump.age',
    ]);
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
      'documents/000000.age',
      'documents/000001.age',
      'documents/000002.age',
      'keycloak.dump.age',
      'manifest.json.age',
      'olap/erpbi.duckdb.age',
      'postgres.dump.age',
    ]);
    const needles = [
      customerName,
      'Quirinus Backupsson',
      String(salary),
      'clerk@firm.example',
      'Bill to:',
      '%PDF',
      ...[...pdfs.keys()].map((k) => k.replace(/^.*\//, '')),
    ].map((n) => Buffer.from(n));
    const scratch = join(work, 'scan');
    mkdirSync(scratch);
    for (const [name, bytes] of members) {
      expect(bytes.subarray(0, 22).toString(), name).toBe('age-encryption.org/v1\n');
      for (const needle of needles) expect(bytes.includes(needle), `${needle} in ${name}`).toBe(false);
      // pg_dump compresses its data: what pg_restore would print of the file must hold none either.
      const file = join(scratch, basename(name));
      writeFileSync(file, bytes);
      const sql = await promisify(execFile)('pg_restore', ['--file=-', file]).then(
        (r) => r.stdout,
        () => '',
      );
      for (const needle of needles) expect(sql.includes(needle.toString()), `${needle} in pg_restore of ${name}`).toBe(false);
    }
    // The tar headers themselves: the modes the files were written with.
    execFileSync('tar', ['-xzf', made.path, '-C', scratch]);
    const inner = join(scratch, basename(made.path, '.tar.gz'));
    expect(statSync(inner).mode & 0o777).toBe(0o700);
    expect(statSync(join(inner, 'olap')).mode & 0o777).toBe(0o700);
    expect(statSync(join(inner, 'documents')).mode & 0o777).toBe(0o700);
    for (const f of ['manifest.json.age', 'postgres.dump.age', 'keycloak.dump.age', 'olap/erpbi.duckdb.age', 'documents/000000.age'])
      expect(statSync(join(inner, f)).mode & 0o777, f).toBe(0o600);
    // ... and Debian's age CLI reads them, when it is installed (the disaster path without erpbi).
    const age = await promisify(execFile)('age', ['-d', '-i', keyFile, join(inner, 'manifest.json.age')]).then(
      (r) => r.stdout,
      () => null,
    );
    if (age !== null) expect(JSON.parse(age).createdAt).toBe(made.manifest.createdAt);
  });

  it("restores into a fresh database the same orders, invoices, payments, ledger and every other row; Keycloak's rows; every document byte for byte", async () => {
    const url = await createEmptyDatabase();
    const data = join(work, 'box-b');
    const kcInto = await createKeycloakDatabase();
    const blankClient = s3(blank);
    await ensureBucket(blankClient, documentsBucket); // the installer makes the bucket with the admin keys
    blankClient.destroy();
    expect(await blank.keys('')).toEqual([]);
    const result = await restore({
      from: made.path,
      identities,
      databaseUrl: url,
      dataDir: data,
      nats: { url: natsUrl, stream: h.bus.stream },
      keycloakDatabaseUrl: kcInto,
      documents: target(blank),
    });
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
    await expect(restore({ from: dir, identities, databaseUrl: nowhereUrl(), dataDir: join(work, 'box-2n') })).rejects.toThrow(
      /^refused: .* was written by a newer erpbi \(manifest format 4/,
    );
  });

  it('onto a new, empty stream: republishes the outbox in order and leaves the stale DuckDB snapshot out', async () => {
    const url = await createEmptyDatabase();
    const data = join(work, 'box-d');
    const prefix = `bkr${randomBytes(3).toString('hex')}`;
    const stream = `${prefix.toUpperCase()}_EVENTS`;
    await ensureStreams(h.bus.bus.nc, stream, prefix);
    try {
      const result = await restore({
        from: made.path,
        identities,
        databaseUrl: url,
        dataDir: data,
        nats: { url: natsUrl, stream },
        republishEvents: { prefix },
        leaveOut: ['keycloak', 'documents'],
      });
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

  it('--plaintext: written only when asked (0600 all the same), and restored only when asked again', async () => {
    const plain = await backup({ databaseUrl: h.db.url, dataDir: join(work, 'box-a'), outDir: join(work, 'plain'), encryptTo: 'plaintext' });
    expect(plain.manifest.encryption).toBeNull();
    expect(readdirSync(plain.path).sort()).toEqual(['manifest.json', 'olap', 'postgres.dump']);
    expect(statSync(join(plain.path, 'postgres.dump')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(plain.path, 'postgres.dump')).subarray(0, 5).toString()).toBe('PGDMP');
    const url = await createEmptyDatabase();
    await expect(restore({ from: plain.path, identities, databaseUrl: url, dataDir: join(work, 'box-p') })).rejects.toThrow(
      /is not encrypted.*with --plaintext/,
    );
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
    await expect(drill({ from: dir, identities, target: { scratchFrom: nowhereUrl() } })).rejects.toThrow(
      /^refused: postgres\.dump\.age .* does not match the manifest/,
    );

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
