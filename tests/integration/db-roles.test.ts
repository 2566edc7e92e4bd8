import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../cli/backup/backup.js';
import { restore } from '../../cli/backup/restore.js';
import { databasePasswords, setupRoles, type DatabaseRole } from '../../runtime/box/postgres.js';
import { createPool, type Pool } from '../../shared/db/pool.js';
import { migrate } from '../../shared/db/migrate.js';
import { pruneOnce } from '../../triggers/pruner.js';
import { readStack } from '../../shared/stack.js';
import { createHarness, type Harness } from '../support/harness.js';
import { seed } from '../support/fixtures.js';
import { adminUrl } from '../support/postgres.js';

// Who connects as whom, attacked on the real Postgres: roles of this run's own (`erpbi_r<id>_owner`,
// `_app`, `_reader`, made by the SQL the Pi's init script and `npm start` run), the real migrations run
// as the owner, the real functions as the app role (query as the reader), then each role tries what it
// must not do. Everything made here is dropped after, roles included.

const id = randomBytes(4).toString('hex');
const prefix = `erpbi_r${id}`;
const role = (r: DatabaseRole) => `${prefix}_${r}`;
const passwords = databasePasswords();
const database = `erpbi_roles_${id}`;
/** Another database of the cluster, as Keycloak's is on the Pi (its own role; PUBLIC may not connect). */
const keycloakLike = `erpbi_roles_${id}_kc`;
/** A database migrated by the superuser before the roles existed (a box set up by an earlier release). */
const earlier = `erpbi_roles_${id}_old`;
/** Where the reader's backup is restored, by the owner. */
const restored = `erpbi_roles_${id}_restored`;
const databases = [database, keycloakLike, earlier, restored];
const schemas = ['platform', 'inventory', 'orders', 'billing', 'hr'];

function urlOf(user: string, password: string, db: string): string {
  const u = new URL(adminUrl);
  u.username = user;
  u.password = password;
  u.pathname = `/${db}`;
  return u.toString();
}
const roleUrl = (r: DatabaseRole, db = database) => urlOf(role(r), passwords[r], db);

async function asSuperuser<T>(db: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: urlOf(new URL(adminUrl).username || 'postgres', decodeURIComponent(new URL(adminUrl).password), db) });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** One statement on a fresh connection as `r`: what Postgres answers (its SQLSTATE on an error). */
async function tryAs(r: DatabaseRole, sql: string, db = database): Promise<'ok' | string> {
  const c = new pg.Client({ connectionString: roleUrl(r, db) });
  try {
    await c.connect();
    await c.query(sql);
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  } finally {
    await c.end().catch(() => {});
  }
}

let owner: Pool;
let app: Pool;
let reader: Pool;
let h: Harness;
let applied: string[];
const work = mkdtempSync(join(tmpdir(), 'erpbi-roles-'));

beforeAll(async () => {
  await asSuperuser('postgres', async (c) => {
    for (const db of [database, earlier]) await c.query(`create database ${db}`);
    await c.query(`create role ${prefix}_kc login`);
    await c.query(`create database ${keycloakLike} owner ${prefix}_kc`);
    // as compose/postgres/init/20-erpbi-roles.sh leaves every database but erpbi's
    await c.query(`revoke connect on database ${keycloakLike} from public`);
  });
  await asSuperuser(database, (c) => setupRoles(c, prefix, passwords));
  owner = createPool(roleUrl('owner'), 2);
  applied = await migrate(owner);
  app = createPool(roleUrl('app'), 5);
  reader = createPool(roleUrl('reader'), 5);
  // stack.yml says who reads: query as the reader, every other function as the app role
  const access = new Map(readStack(join(import.meta.dirname, '..', '..', 'stack.yml')).map((f) => [f.name, f.databaseAccess]));
  h = await createHarness('roles', {
    db: { url: roleUrl('app'), name: database, pool: app, drop: async () => {} },
    poolOf: (fn) => (access.get(fn) === 'read' ? reader : app),
  });
}, 120_000);

afterAll(async () => {
  await h?.close();
  await Promise.all([owner, app, reader].map((p) => p?.end()));
  rmSync(work, { recursive: true, force: true });
  await asSuperuser('postgres', async (c) => {
    for (const db of databases) await c.query(`drop database if exists ${db} with (force)`);
    for (const r of [...(['owner', 'app', 'reader'] as const).map(role), `${prefix}_kc`]) await c.query(`drop role if exists ${r}`);
  });
}, 60_000);

describe('Postgres roles: the owner migrates, the functions write as the app role, query and the backup read as the reader', () => {
  it('the migrations ran as the owner, which owns the database and everything in it; no role is a superuser or makes roles or databases', async () => {
    expect(applied).toContain('009-roles');
    await asSuperuser(database, async (c) => {
      const roles = await c.query(`select rolname, rolsuper, rolcreaterole, rolcreatedb, rolcanlogin from pg_roles where rolname like $1 order by rolname`, [
        `${prefix}\\_%`,
      ]);
      expect(roles.rows.filter((r) => r.rolname !== `${prefix}_kc`)).toEqual(
        [role('app'), role('owner'), role('reader')].map((rolname) => ({
          rolname,
          rolsuper: false,
          rolcreaterole: false,
          rolcreatedb: false,
          rolcanlogin: true,
        })),
      );
      expect((await c.query(`select pg_get_userbyid(datdba) as o from pg_database where datname = $1`, [database])).rows).toEqual([{ o: role('owner') }]);
      const owners = await c.query(
        `select distinct pg_get_userbyid(c.relowner) as o from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = any($1)`,
        [schemas],
      );
      expect(owners.rows).toEqual([{ o: role('owner') }]);
      const schemaOwners = await c.query(`select distinct pg_get_userbyid(nspowner) as o from pg_namespace where nspname = any($1)`, [schemas]);
      expect(schemaOwners.rows).toEqual([{ o: role('owner') }]);
    });
  });

  it('the functions take an order to cash as the app role, query reading as the reader; the connector prunes as the app role', async () => {
    const { sku, customerId } = await seed(h, { stock: 10 });
    const created = await h.post(
      'create-order',
      { customerId, lines: [{ sku, quantity: 3 }] },
      { role: 'clerk', headers: { 'idempotency-key': `roles-${id}` } },
    );
    expect(created.status).toBe(201);
    const again = await h.post('create-order', { customerId, lines: [{ sku, quantity: 3 }] }, { role: 'clerk', headers: { 'idempotency-key': `roles-${id}` } });
    expect(again.headers['idempotent-replayed']).toBe('true');
    await h.settle(); // reserve-stock, create-invoice (each moving the order): processed events, outbox, sequences
    const order = await h.get('query', `/orders/${created.body.id}`, { role: 'clerk' });
    expect(order.body).toMatchObject({ status: 'invoiced' });
    const paid = await h.post(
      'record-payment',
      { invoiceId: order.body.invoiceId, amount: created.body.total, method: 'card' },
      { role: 'accountant', headers: { 'idempotency-key': `pay-${id}` } },
    );
    expect(paid.status).toBe(201);
    await h.settle();
    expect((await h.get('query', `/orders/${created.body.id}`, { role: 'clerk' })).body).toMatchObject({ status: 'paid' });
    expect((await h.post('fulfil-order', { id: created.body.id }, { role: 'clerk' })).status).toBe(200);
    await h.settle();
    const hired = await h.post(
      'hire-employee',
      { name: 'Ada', email: `ada.${id}@example.com`, department: 'Ops', title: 'Lead', salary: 400_000, currency: 'EUR', hiredAt: '2026-01-05' },
      { role: 'admin' },
    );
    expect(hired.status).toBe(201);
    expect((await h.get('query', `/employees/${hired.body.id}`, { role: 'admin' })).body).toMatchObject({ salary: 400_000 });
    expect((await h.get('query', '/invoices', { role: 'accountant', headers: { accept: 'text/csv' } })).status).toBe(200);
    // the connector's pruner deletes what is past its window (rows placed back in time by the owner)
    await owner.query(`update platform.processed_events set processed_at = now() - interval '30 days'`);
    await owner.query(`update platform.outbox set created_at = now() - interval '30 days', published_at = now() - interval '30 days'`);
    const pruned = await pruneOnce(app, { processedEventsMs: 86_400_000, publishedOutboxMs: 86_400_000, everyMs: 1000, batchRows: 1000 });
    for (const [table, n] of Object.entries(pruned)) expect(n, table).not.toBeInstanceOf(Error);
    expect(pruned.processed_events).toBeGreaterThan(0);
    expect(pruned.outbox).toBeGreaterThan(0);
  });

  it('the app role changes rows, never the schema: no DDL, no TRUNCATE, nothing created anywhere, no other database', async () => {
    const denied = [
      'drop table orders.orders',
      'alter table orders.orders add column note text',
      'truncate orders.orders',
      'truncate platform.outbox',
      'create table orders.intruder (id int)',
      'create table public.intruder (id int)',
      'create temp table intruder (id int)',
      'create schema intruder',
      'create index intruder on orders.orders (total)',
      'create view orders.intruder as select 1',
      "comment on table orders.orders is 'mine'",
      'drop view billing.invoice_view',
      'alter sequence inventory.stock_movements_id_seq restart',
      "delete from platform.schema_migrations where name = '009-roles'",
      `set role ${role('owner')}`,
      'create role intruder',
      'create database intruder',
    ];
    const answers = Object.fromEntries(await Promise.all(denied.map(async (sql) => [sql, await tryAs('app', sql)] as const)));
    expect(answers).toEqual(Object.fromEntries(denied.map((sql) => [sql, '42501'])));
    expect(await tryAs('app', 'select 1', keycloakLike)).toBe('42501');
    expect(await tryAs('reader', 'select 1', keycloakLike)).toBe('42501');
    // and it does what the functions need: rows and sequences
    expect(await tryAs('app', `select nextval('inventory.stock_movements_id_seq')`)).toBe('ok');
  });

  it('the reader reads every table and view and writes nothing', async () => {
    const relations = await asSuperuser(database, async (c) =>
      (
        await c.query<{ t: string }>(
          `select format('%I.%I', table_schema, table_name) as t from information_schema.tables where table_schema = any($1) order by 1`,
          [schemas],
        )
      ).rows.map((r) => r.t),
    );
    expect(relations.length).toBeGreaterThan(20);
    for (const t of relations) expect(await reader.query(`select count(*) from ${t}`).then(() => 'ok'), t).toBe('ok');
    const denied = [
      `insert into orders.customers (id, name, payment_terms_days) values ('x-${id}', 'X', 1)`,
      'update orders.orders set total = 0',
      'delete from billing.payments',
      'delete from platform.idempotency',
      `insert into platform.outbox (id, subject, payload) values (gen_random_uuid(), 'erp.billing.payment_received', '{}')`,
      `select nextval('billing.ledger_entries_id_seq')`,
      'truncate hr.employees',
      'create temp table t (id int)',
      'drop table hr.employees',
    ];
    const answers = Object.fromEntries(await Promise.all(denied.map(async (sql) => [sql, await tryAs('reader', sql)] as const)));
    expect(answers).toEqual(Object.fromEntries(denied.map((sql) => [sql, '42501'])));
  });

  it('the backup (pg_dump) runs as the reader; restored by the owner, the next migrate grants the roles again', async () => {
    const made = await backup({ databaseUrl: roleUrl('reader'), dataDir: work, outDir: join(work, 'backups'), encryptTo: 'plaintext' });
    expect(made.manifest.database.rows['orders.orders']).toBeGreaterThan(0);
    await asSuperuser('postgres', (c) => c.query(`create database ${restored} owner ${role('owner')}`));
    await restore({ from: made.path, databaseUrl: roleUrl('owner', restored), dataDir: join(work, 'restored'), identities: [], plaintext: true });
    // a dump carries no privileges: until the migrate job runs again, the app role can do nothing there
    expect(await tryAs('app', 'select count(*) from orders.orders', restored)).toBe('42501');
    const target = createPool(roleUrl('owner', restored), 1);
    try {
      expect(await migrate(target)).toEqual([]);
    } finally {
      await target.end();
    }
    expect(await tryAs('app', `insert into orders.customers (id, name, payment_terms_days) values ('r-${id}', 'R', 7)`, restored)).toBe('ok');
    expect(await tryAs('reader', 'select count(*) from billing.invoices', restored)).toBe('ok');
    expect(await tryAs('app', 'drop table orders.orders', restored)).toBe('42501');
  });

  it('a database migrated before the roles (by the superuser) is handed to the owner, and then works as the others do', async () => {
    const old = createPool(urlOf(new URL(adminUrl).username || 'postgres', decodeURIComponent(new URL(adminUrl).password), earlier), 1);
    try {
      await migrate(old); // as an earlier release did: everything owned by the superuser, nothing granted
      await old.query(`insert into orders.customers (id, name, payment_terms_days) values ('before', 'Before', 30)`);
    } finally {
      await old.end();
    }
    await asSuperuser(earlier, (c) => setupRoles(c, prefix, passwords));
    const migrated = createPool(roleUrl('owner', earlier), 1);
    try {
      expect(await migrate(migrated)).toEqual([]); // 009 ran already (as the superuser, granting nothing): the grants come now
    } finally {
      await migrated.end();
    }
    expect(await tryAs('app', `update orders.customers set name = 'Before, still' where id = 'before'`, earlier)).toBe('ok');
    expect(await tryAs('reader', `select * from orders.customers where id = 'before'`, earlier)).toBe('ok');
    expect(await tryAs('app', 'drop table orders.customers', earlier)).toBe('42501');
    await asSuperuser(earlier, async (c) => {
      const owners = await c.query(
        `select distinct pg_get_userbyid(c.relowner) as o from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = any($1)`,
        [schemas],
      );
      expect(owners.rows).toEqual([{ o: role('owner') }]);
    });
  });
});
