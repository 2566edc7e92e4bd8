import type { Pool } from './pool.js';
import { migrations } from './migrations/index.js';

// Applies pending migrations in order, once, under an advisory lock so two starters cannot race; then
// states again those marked `reapply` that were applied before (009-roles: the roles' privileges, which a
// restored dump carries none of). Run as the owner role (database-url-migrate).
export async function migrate(pool: Pool): Promise<string[]> {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock(7411)');
    await client.query('create schema if not exists platform');
    await client.query('create table if not exists platform.schema_migrations (name text primary key, applied_at timestamptz not null default now())');
    const done = new Set((await client.query<{ name: string }>('select name from platform.schema_migrations')).rows.map((r) => r.name));
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      await client.query('begin');
      try {
        await client.query(m.sql);
        await client.query('insert into platform.schema_migrations (name) values ($1)', [m.name]);
        await client.query('commit');
        applied.push(m.name);
      } catch (err) {
        await client.query('rollback');
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
      }
    }
    for (const m of migrations) if (m.reapply && done.has(m.name)) await client.query(m.sql);
  } finally {
    await client.query('select pg_advisory_unlock(7411)').catch(() => {});
    client.release();
  }
  return applied;
}
