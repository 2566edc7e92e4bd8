import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { adminUrl } from '../../tests/support/postgres.js';
import { toHttp } from '../http/errors-to-http.js';
import { createPool, DatabaseUnavailable, withTransaction } from './pool.js';

// Against the machine's Postgres: a lost or refused connection is told from a statement's own error by
// what happened to the connection, never by pg's message text.
const pool = createPool(adminUrl, 2);
afterAll(() => pool.end());

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

describe('the pool tells a lost database from a failed statement', () => {
  it('a refused connection is DatabaseUnavailable, for pool.query and for a transaction, and 503 at the edge', async () => {
    const down = createPool(await closedPortUrl(), 1);
    try {
      const viaQuery = await down.query('select 1').catch((e: unknown) => e);
      expect(viaQuery).toBeInstanceOf(DatabaseUnavailable);
      expect(await withTransaction(down, (tx) => tx.query('select 1')).catch((e: unknown) => e)).toBeInstanceOf(DatabaseUnavailable);
      expect(toHttp(viaQuery)).toMatchObject({ status: 503, body: { error: { code: 'not_ready' } }, unexpected: false });
    } finally {
      await down.end();
    }
  });

  it("a statement's own error stays pg's DatabaseError with its SQLSTATE, and is a 500 at the edge", async () => {
    const err = await pool.query('selec 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(pg.DatabaseError);
    expect((err as pg.DatabaseError).code).toBe('42601');
    expect(toHttp(err).status).toBe(500);
  });

  it('a connection terminated in the middle of a transaction is DatabaseUnavailable, and the pool goes on', async () => {
    const err = await withTransaction(pool, async (tx) => {
      const { rows } = await tx.query<{ pid: number }>('select pg_backend_pid() as pid');
      // The server's FATAL reaches the idle client as an 'error' event: listen before it is sent.
      const dropped = new Promise((r) => tx.once('error', r));
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      await admin.end();
      await dropped;
      return tx.query('select 1');
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnavailable);
    expect((await pool.query<{ one: number }>('select 1 as one')).rows[0]!.one).toBe(1);
  });
});
