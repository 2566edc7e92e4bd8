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
  // pool.query as pg-pool does it (check out, query, release), with the errors told apart as withTransaction does.
  (pool as { query: unknown }).query = (...args: unknown[]) => onClient(pool, (client) => (client.query as (...a: unknown[]) => Promise<unknown>)(...args));
  return pool;
}

/**
 * Postgres could not be reached, or the connection was lost while working: nothing was done (a lost
 * COMMIT may have landed; commands carry an Idempotency-Key for that), and a retry may succeed. Told
 * by what happened to the connection, not by pg's message texts (pg gives those errors no code). The
 * HTTP edge answers 503 not_ready (shared/http/errors-to-http.ts).
 */
export class DatabaseUnavailable extends Error {
  constructor(cause: unknown) {
    super('the database is not available', { cause });
    this.name = 'DatabaseUnavailable';
  }
}

/** Runs `work` on a checked-out client: a failed checkout, or any failure after the connection
 *  reported an error, is DatabaseUnavailable; a statement's own error (pg's DatabaseError) stays as it is. */
async function onClient<T>(pool: Pool, work: (client: Tx) => Promise<T>): Promise<T> {
  let client: Tx;
  try {
    client = await pool.connect();
  } catch (err) {
    throw new DatabaseUnavailable(err);
  }
  // A checked-out client has no pool listener: Postgres going away between two queries (FATAL 57P01 to
  // every backend) would be an unhandled 'error' event and end the process. Keep the error: the
  // connection is lost, and the broken client is destroyed, not pooled.
  let lost: Error | undefined;
  const onError = (err: Error) => (lost = err);
  client.on('error', onError);
  try {
    return await work(client);
  } catch (err) {
    throw lost && !(err instanceof pg.DatabaseError) ? new DatabaseUnavailable(err) : err;
  } finally {
    client.removeListener('error', onError);
    client.release(lost);
  }
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
    typeof first === 'string' && Array.isArray(rest[0])
      ? query({ name: statementName(first), text: first, values: rest[0] }, ...rest.slice(1))
      : query(first, ...rest);
}

export function withTransaction<T>(pool: Pool, work: (tx: Tx) => Promise<T>): Promise<T> {
  return onClient(pool, async (client) => {
    await client.query('begin');
    try {
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    }
  });
}
