import { deleteBounded } from '../db/bounded-delete.js';
import type { Pool, Tx } from '../db/pool.js';

// platform.idempotency: one row per (scope, key), the first answer kept with the hash of its request.

export interface KeyRef {
  /** `<function>:<caller>`: one caller's keys never meet another's. */
  scope: string;
  key: string;
}

export interface StoredAnswer {
  requestHash: string;
  /** Null only inside the claiming transaction, before complete(): no other transaction sees that. */
  status: number | null;
  response: unknown;
  expiresAt: Date;
}

/**
 * Claims the key for this request in the caller's transaction; true: this request runs the command.
 * A key never seen, or whose record has expired, is claimed (the expired record is taken over as a new
 * request). Otherwise false, with the row locked until the caller's transaction ends: a concurrent first
 * request is waited for (its answer, or its rollback, which frees the key for this one), and the record
 * cannot be pruned between this claim and get().
 */
export async function claim(tx: Tx, ref: KeyRef, requestHash: string, windowMs: number): Promise<boolean> {
  const res = await tx.query(
    `insert into platform.idempotency as i (scope, key, request_hash, expires_at)
     values ($1, $2, $3, now() + make_interval(secs => $4::double precision / 1000))
     on conflict (scope, key) do update
       set request_hash = excluded.request_hash, status = null, response = null, created_at = now(), expires_at = excluded.expires_at
       where i.expires_at <= now()
     returning key`,
    [ref.scope, ref.key, requestHash, windowMs],
  );
  return res.rowCount === 1;
}

/** Stores the answer of the claiming request, in its transaction: it exists if and only if the effect does. */
export async function complete(tx: Tx, ref: KeyRef, status: number, response: unknown): Promise<void> {
  await tx.query('update platform.idempotency set status = $3, response = $4 where scope = $1 and key = $2', [
    ref.scope,
    ref.key,
    status,
    JSON.stringify(response),
  ]);
}

export async function get(db: Tx | Pool, ref: KeyRef): Promise<StoredAnswer | undefined> {
  const { rows } = await db.query<{ request_hash: string; status: number | null; response: unknown; expires_at: Date }>(
    'select request_hash, status, response, expires_at from platform.idempotency where scope = $1 and key = $2',
    [ref.scope, ref.key],
  );
  const r = rows[0];
  return r && { requestHash: r.request_hash, status: r.status, response: r.response, expiresAt: r.expires_at };
}

/** Deletes up to `limit` records past their expiry (the pruner's step); a claim would replace them anyway. */
export function deleteExpired(db: Pool, limit: number): Promise<number> {
  return deleteBounded(db, 'platform.idempotency', 'expires_at < now()', [], limit);
}
