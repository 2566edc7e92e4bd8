import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { exportParquet, exportedTables } from '../../olap/export-parquet.js';
import { erpbiVersion, latestKey, latestOf, type ExportManifest, type LatestExport } from '../../olap/export-manifest.js';
import { exportTarget, type ExportTarget } from '../../olap/export-target.js';
import { OlapStore } from '../../olap/store.js';
import { shownColumns } from '../../olap/tables/declare.js';
import { localStorageKeys } from '../../runtime/box/object-storage.js';
import { createHarness, type Harness } from '../support/harness.js';
import { startTestStorage, type TestStorage } from '../support/object-storage.js';
import { caughtUp, feedProjector, projectorSeq } from '../support/olap.js';
import { driveMixedStream } from './olap-mixed-stream.js';

// The projector's Parquet export (olap/export-parquet.ts) into the real S3-protocol test server, fed the
// mixed stream of olap-correctness.test.ts through the real batch feed: the route's roles and its one-at-a-
// time rule, the manifest, and every file read back with DuckDB's read_parquet equal, row for row, to the
// table it was written from; then the order of the uploads (olap/latest.json last) and a failed upload.

const dir = mkdtempSync(join(tmpdir(), 'erpbi-olap-export-'));
const file = join(dir, 'erpbi.duckdb');
process.env.OLAP_FILE = file;
const bucket = 'erpbi-olap';
let h: Harness | undefined;
let storage: TestStorage;
let client: S3Client;
let manifest: ExportManifest;

const exportCall = (role: 'admin' | 'clerk' | 'accountant' | 'service') =>
  h!.call('project-to-olap', '/export', { role, rawBody: '', headers: { 'content-type': 'text/plain' } });
const getText = async (key: string) => (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
const getJson = async <T>(key: string) => JSON.parse(await getText(key)) as T;

beforeAll(async () => {
  storage = await startTestStorage();
  Object.assign(process.env, storage.env, { OLAP_EXPORT_BUCKET: bucket });
  client = new S3Client({ endpoint: storage.url, region: 'us-east-1', forcePathStyle: true, credentials: localStorageKeys });
  h = await createHarness('olapx');
  const feed = await feedProjector(h, { batchSize: 50 });
  await driveMixedStream(h);
  await caughtUp(h);
  // Nothing moves from here on: the live tables are what the exports must equal.
  await feed.stop();
}, 120_000);
afterAll(async () => {
  await h?.close();
  client?.destroy();
  await storage?.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('POST /function/project-to-olap/export', () => {
  it('is for admins only', async () => {
    for (const role of ['clerk', 'accountant', 'service'] as const) expect((await exportCall(role)).status, role).toBe(403);
    expect((await h!.call('project-to-olap', '/export', { token: null, rawBody: '', headers: { 'content-type': 'text/plain' } })).status).toBe(401);
    expect(await storage.keys('')).toEqual([]); // the documents' bucket: untouched
  });

  it('exports every table once at a time: a second export while one runs is a 409 naming why', async () => {
    const [a, b] = await Promise.all([exportCall('admin'), exportCall('admin')]);
    const statuses = [a.status, b.status].sort();
    expect(statuses, JSON.stringify([a.body, b.body])).toEqual([200, 409]);
    const refused = a.status === 409 ? a : b;
    expect(refused.body.error.code).toBe('invalid_transition');
    expect(refused.body.error.message).toMatch(/an export is running/);
    manifest = (a.status === 200 ? a : b).body as ExportManifest;
  });

  it('writes a manifest that says what is there and how far the stream is in it, and points latest.json at it', async () => {
    expect(manifest.complete.seq).toBe(await projectorSeq(h!));
    expect(manifest.complete.seq).toBeGreaterThan(50);
    expect(manifest.erpbiVersion).toBe(erpbiVersion);
    expect(new Date(manifest.exportedAt).toISOString()).toBe(manifest.exportedAt);
    expect(manifest.prefix).toMatch(/^olap\/\d{4}-\d\d-\d\dT\d{6}\.\d{3}Z\/$/);
    expect(manifest.tables.map((t) => t.table)).toEqual(exportedTables.map((t) => t.name));
    const orders = manifest.tables.find((t) => t.table === 'orders')!;
    expect(orders.rows).toBeGreaterThan(10);
    expect(orders.files).toEqual([{ key: `${manifest.prefix}orders/part-00000.parquet`, rows: orders.rows, bytes: orders.bytes }]);
    expect(orders.columns).toContainEqual({ name: 'total', type: 'BIGINT' });
    expect(await getJson<ExportManifest>(`${manifest.prefix}manifest.json`)).toEqual(manifest);
    expect(await getJson<LatestExport>(latestKey)).toEqual(latestOf(manifest));
    // No file of the export is left beside the DuckDB file.
    expect(readdirSync(dir).filter((f) => f.startsWith('export-'))).toEqual([]);
  });

  it('holds, in its files, exactly the rows of each table (read back with read_parquet)', async () => {
    await h!.close(); // the projector closes the DuckDB file: it can be opened here
    h = undefined;
    await sameAsLive(manifest);
  });
});

/** Every table's files downloaded and read back with DuckDB's read_parquet: the same rows as the DuckDB file holds. */
async function sameAsLive(m: ExportManifest): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`attach '${file}' as live (read_only)`);
  const one = async (sql: string) => Number((await conn.runAndReadAll(sql)).getRows()[0]![0]);
  const local = (table: string) => join(dir, 'download', m.prefix, table);
  try {
    for (const t of m.tables) {
      mkdirSync(local(t.table), { recursive: true });
      for (const f of t.files) {
        const bytes = await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: f.key }))).Body!.transformToByteArray();
        expect(bytes.length, f.key).toBe(f.bytes);
        expect(f.key.startsWith(t.location), f.key).toBe(true);
        writeFileSync(join(local(t.table), f.key.slice(t.location.length)), bytes);
      }
      const fromFiles = `read_parquet('${local(t.table)}/*.parquet')`;
      expect(await one(`select count(*) from ${fromFiles}`), t.table).toBe(t.rows);
      expect(await one(`select count(*) from live."${t.table}"`), t.table).toBe(t.rows);
      // The columns a reader sees, as declared: not the `was` ones, which depend on how the events were batched.
      const shown = shownColumns(exportedTables.find((e) => e.name === t.table)!).map((c) => c.column);
      expect(
        t.columns.map((c) => c.name),
        t.table,
      ).toEqual(shown);
      const live = `select ${shown.map((c) => `"${c}"`).join(', ')} from live."${t.table}"`;
      // Row for row, both ways (EXCEPT ALL keeps duplicates): the same multiset of rows.
      expect(await one(`select count(*) from (${live} except all select * from ${fromFiles})`), t.table).toBe(0);
      expect(await one(`select count(*) from (select * from ${fromFiles} except all ${live})`), t.table).toBe(0);
      const described = (await conn.runAndReadAll(`describe select * from ${fromFiles}`)).getRows().map(([name, type]) => ({ name, type }));
      expect(described, t.table).toEqual(t.columns);
    }
    // The money, as the figures read it: gross order totals and invoice totals, in minor units.
    const sum = (column: string, from: string) => one(`select coalesce(sum(${column}), 0) from ${from}`);
    for (const [table, column] of [
      ['orders', 'total'],
      ['invoices', 'total'],
      ['rollup_orders_hourly', 'total'],
    ] as const) {
      const live = await sum(column, `live."${table}"`);
      expect(live, `${table}.${column}`).toBeGreaterThan(0);
      expect(await sum(column, `read_parquet('${local(table)}/*.parquet')`), `${table}.${column}`).toBe(live);
    }
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('the order of the uploads', () => {
  /** The real target, recording each key as it is put; `failAt`: the nth file put fails. */
  const recording = (real: ExportTarget, failAt?: number) => {
    const keys: string[] = [];
    const target: ExportTarget = {
      ...real,
      putFile: async (key, path, type) => {
        if (keys.length + 1 === failAt) throw new Error('storage went away');
        keys.push(key);
        return real.putFile(key, path, type);
      },
      putJson: async (key, value) => {
        keys.push(key);
        return real.putJson(key, value);
      },
    };
    return { target, keys };
  };

  it('puts every file, then the manifest, then latest.json; a failed upload leaves latest.json naming the export before', async () => {
    const store = new OlapStore(file);
    const real = exportTarget(process.env)!;
    try {
      // Parts of 7 rows: every table of more is written and read back in several files.
      const ok = recording(real);
      const second = await exportParquet(store, ok.target, { now: () => new Date(Date.parse(manifest.exportedAt) + 1000), partRows: 7 });
      expect(ok.keys).toEqual([...second.tables.flatMap((t) => t.files.map((f) => f.key)), `${second.prefix}manifest.json`, latestKey]);
      expect(second.tables.map((t) => t.rows)).toEqual(manifest.tables.map((t) => t.rows));
      for (const t of second.tables) {
        // 7 rows each, the last the rest; one empty file for an empty table
        const rows = t.files.map((f) => f.rows);
        expect(rows, t.table).toEqual(t.rows === 0 ? [0] : [...Array<number>(Math.ceil(t.rows / 7) - 1).fill(7), t.rows - 7 * (Math.ceil(t.rows / 7) - 1)]);
      }
      expect(second.complete).toEqual(manifest.complete);
      await store.close();
      await sameAsLive(second);

      const broken = recording(real, 3);
      await expect(exportParquet(store, broken.target, { now: () => new Date(Date.parse(manifest.exportedAt) + 2000), partRows: 7 })).rejects.toThrow(
        'storage went away',
      );
      expect(broken.keys).toHaveLength(2);
      expect(await getJson<LatestExport>(latestKey)).toEqual(latestOf(second));
      expect(readdirSync(dir).filter((f) => f.startsWith('export-'))).toEqual([]);

      // Keeping one: a new whole export removes every other export, and nothing else under olap/ (the
      // parts the broken one put are left: no manifest names them, the next prune finds their folder).
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'olap/notes.txt', Body: 'mine' }));
      const one = exportTarget({ ...process.env, OLAP_EXPORT_KEEP: '1' })!;
      const third = await exportParquet(store, one, { now: () => new Date(Date.parse(manifest.exportedAt) + 3000) }).finally(() => one.close());
      const left = ((await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'olap/', Delimiter: '/' }))).CommonPrefixes ?? []).map(
        (p) => p.Prefix,
      );
      expect(left).toEqual([third.prefix]);
      expect(await getText('olap/notes.txt')).toBe('mine');
      expect(await getJson<LatestExport>(latestKey)).toEqual(latestOf(third));
    } finally {
      real.close();
      await store.close();
    }
  });
});
