import type { Pool } from '../../shared/db/pool.js';

// What a test reads back from a database: the events written to the outbox (in the order written) and
// how many rows a table holds, the usual "nothing was written" check.

export interface OutboxEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

export const outboxEvents = async (pool: Pool, type: string): Promise<OutboxEvent[]> =>
  (await pool.query<{ payload: OutboxEvent }>(`select payload from platform.outbox where payload->>'type' = $1 order by created_at, id`, [type])).rows.map(
    (r) => r.payload,
  );

/** `from`: what follows "from" in the query (a table, with a where clause if need be). */
export const countRows = async (pool: Pool, from: string, params: unknown[] = []) =>
  (await pool.query<{ n: number }>(`select count(*)::int as n from ${from}`, params)).rows[0]!.n;
