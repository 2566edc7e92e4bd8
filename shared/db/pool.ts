import { createHash } from 'node:crypto';
import pg from 'pg';

// Postgres bigint and numeric arrive as strings by default; our amounts fit in a JS number
// (the schemas cap them far below 2^53), so parse them once here.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
// A date column stays an ISO 'YYYY-MM-DD' string: no time zone may shift it.
pg.types.setTypeParser(1082, (v) => v);

export type Pool = pg.Pool;
export type Tx = pg.PoolClient;

export function createPool(connectionString: string, max = 5): Pool {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000 });
  // An idle client losing its server (Postgres restarted) must not crash the process.
  pool.on('error', () => {});
  pool.on('connect', preparedByDefault);
  return pool;
}

// Every statement with parameters is prepared once per connection, named after its text: Postgres then
// skips parsing and planning on each later call (bench/: the box's Postgres spent its time on short
// statements that a function sends thousands of times). Our statements are a fixed set of texts.
const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) names.set(text, (name = `erpbi_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`));
  return name;
}

function preparedByDefault(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (first: unknown, ...rest: unknown[]) =>
    typeof first === 'string' && Array.isArray(rest[0]) ? query({ name: statementName(first), text: first, values: rest[0] }, ...rest.slice(1)) : query(first, ...rest);
}

export async function withTransaction<T>(pool: Pool, work: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no pool listener: Postgres going away between two queries of this
  // transaction (FATAL 57P01 to every backend) would be an unhandled 'error' event and end the process.
  // Keep the error; the next query fails with it, and the broken client is destroyed, not pooled
  // (pg-pool also drops a client that is no longer queryable).
  let broken: Error | undefined;
  const onError = (err: Error) => (broken = err);
  client.on('error', onError);
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
