import type { Pool } from './pool.js';

/**
 * Deletes at most `limit` rows of `table` that match `where`, in one short statement, and says how many
 * went. A backlog of millions (the first prune of an old box, a long outage of the pruner) is worked off
 * over many ticks, never by one DELETE holding its row locks and WAL for minutes while functions write.
 * The rows are picked in a sub-select (through the table's index on the timestamp), then deleted by
 * ctid (a TID scan: only the rows picked are read, however large the backlog). A row updated between the
 * pick and the delete has a new ctid: Postgres rechecks the ctid on the newest version and skips it, so
 * nothing is deleted on the strength of an old version; the next tick looks again.
 * `where` uses $1..$n from `params`; the limit is the next one.
 */
export async function deleteBounded(db: Pool, table: string, where: string, params: unknown[], limit: number): Promise<number> {
  const res = await db.query(boundedDeleteSql(table, where, params.length), [...params, limit]);
  return res.rowCount ?? 0;
}

export function boundedDeleteSql(table: string, where: string, paramCount: number): string {
  return `delete from ${table} where ctid = any(array(select ctid from ${table} where ${where} limit $${paramCount + 1}::int))`;
}
