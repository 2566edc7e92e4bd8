import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { expect, it } from 'vitest';
import { request } from '../../faults/driver.js';
import { signIn } from '../stack.js';
import { box, ct, customers, ip } from './context.js';

// Each part on NATS and in Postgres as its own user or role, and no more than that role may.
export function isolationChecks(): void {
  it('lets no one onto NATS without its user, and a function only onto its own subjects', async () => {
    const url = `nats://${ip('erpbi-nats')}:4222`;
    await expect(connect({ servers: url, timeout: 3000 })).rejects.toThrow(/authoriz/i);
    await expect(connect({ servers: url, timeout: 3000, user: 'operator', pass: ct.stack.secret('nats-orders') })).rejects.toThrow(/authoriz/i);
    const orders = await connect({ servers: url, timeout: 3000, user: 'orders', pass: ct.stack.secret('nats-orders'), inboxPrefix: '_INBOX_orders' });
    try {
      const js = jetstream(orders);
      // A forged payment from a function of another domain: refused, and nothing reaches the stream.
      const before = (await jetstreamManager(ct.nc).then((m) => m.streams.info('ERP_EVENTS'))).state.last_seq;
      await expect(js.publish('erp.billing.payment_received', '{}', { timeout: 3000 })).rejects.toThrow();
      expect((await jetstreamManager(ct.nc).then((m) => m.streams.info('ERP_EVENTS'))).state.last_seq).toBe(before);
      // Nor read events: not from their subjects, nor from the inboxes the connector's consumers deliver to.
      for (const subject of ['erp.>', '_INBOX.>', '_INBOX_connector.>']) await expect(orders.subscribe(subject).closed, subject).resolves.toBeInstanceOf(Error);
    } finally {
      await orders.close();
    }
  });

  it('connects each part as its own Postgres role: functions and connector erpbi_app, query erpbi_reader, migrations erpbi_owner; erpbi_app cannot drop a table', async () => {
    // The roles compose/postgres/init/20-erpbi-roles.sh made: logins, none a superuser, none that makes roles or databases.
    const roles = await ct.db.query(
      `select rolname, rolsuper, rolcreaterole, rolcreatedb from pg_roles where rolname in ('erpbi_owner', 'erpbi_app', 'erpbi_reader') order by rolname`,
    );
    expect(roles.rows).toEqual(
      ['erpbi_app', 'erpbi_owner', 'erpbi_reader'].map((rolname) => ({ rolname, rolsuper: false, rolcreaterole: false, rolcreatedb: false })),
    );
    // The migrate job ran as erpbi_owner (database-url-migrate): it owns the database and every table.
    expect((await ct.db.query(`select pg_get_userbyid(datdba) as owner from pg_database where datname = 'erpbi'`)).rows).toEqual([{ owner: 'erpbi_owner' }]);
    expect(
      (await ct.db.query(`select distinct tableowner from pg_tables where schemaname in ('platform', 'inventory', 'orders', 'billing', 'hr')`)).rows,
    ).toEqual([{ tableowner: 'erpbi_owner' }]);
    // Who is connected, by container address: a read and a write just now, and the connector's sweeper and pruner.
    const clerk = await signIn('clerk');
    expect((await request(box, clerk, '/function/query/customers')).status).toBe(200);
    expect((await request(box, clerk, '/function/upsert-customer', { id: customers[0], name: `Customer ${customers[0]}`, paymentTermsDays: 14 })).status).toBe(
      200,
    );
    const sessions = (
      await ct.db.query<{ addr: string; usename: string }>(
        `select host(client_addr) as addr, usename from pg_stat_activity where datname = 'erpbi' and client_addr is not null`,
      )
    ).rows;
    const usersOf = (service: string) => [...new Set(sessions.filter((s) => s.addr === ip(service)).map((s) => s.usename))];
    expect(usersOf('query'), JSON.stringify(sessions)).toEqual(['erpbi_reader']);
    expect(usersOf('upsert-customer'), JSON.stringify(sessions)).toEqual(['erpbi_app']);
    expect(usersOf('connector'), JSON.stringify(sessions)).toEqual(['erpbi_app']);
    // erpbi_app changes rows, never the schema, and reaches no other database (Keycloak's).
    const app = `postgres://erpbi_app:${ct.stack.secret('postgres-app-password')}@${ip('postgres')}:5432`;
    const asApp = new pg.Client({ connectionString: `${app}/erpbi` });
    await asApp.connect();
    try {
      await expect(asApp.query('drop table orders.orders')).rejects.toMatchObject({ code: '42501' });
      await expect(asApp.query('truncate orders.orders')).rejects.toMatchObject({ code: '42501' });
      await expect(asApp.query('create table orders.intruder (id int)')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await asApp.end();
    }
    await expect(new pg.Client({ connectionString: `${app}/keycloak` }).connect()).rejects.toMatchObject({ code: '42501' });
  });
}
