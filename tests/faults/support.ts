import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from '../../shared/db/pool.js';
import { publishedMarksOf } from '../../shared/events/outbox.js';

// What the fault suite shares: its mode, the state fingerprint "nothing was written" compares, and a
// place to put the figures a run produced (RELIABILITY.md quotes them).
export const long = process.env.FAULTS_LONG === '1';
/** fast-check runs per generator and command. */
export const runs = long ? 400 : 40;

const root = join(import.meta.dirname, '..', '..');
export const resultsDir = join(root, 'tests', 'faults', '.results');

/** One JSON line per finding in tests/faults/.results/<suite>.jsonl and on stdout. */
export function report(suite: string, figures: Record<string, unknown>): void {
  const line = JSON.stringify({ suite, at: new Date().toISOString(), long, ...figures });
  console.log(`FAULTS ${line}`);
  mkdirSync(resultsDir, { recursive: true });
  appendFileSync(join(resultsDir, `${suite}.jsonl`), line + '\n');
}

// Every table a command or reaction may write. A rejected request must leave each one unchanged:
// not only its row count but every row (an update is a write too).
export const writtenTables = [
  'orders.customers',
  'orders.orders',
  'orders.order_lines',
  'orders.status_history',
  'inventory.products',
  'inventory.stock_levels',
  'inventory.stock_movements',
  'inventory.order_reservations',
  'billing.number_counters',
  'billing.invoices',
  'billing.payments',
  'billing.credit_notes',
  'billing.ledger_entries',
  'billing.cancelled_orders',
  'hr.employees',
  'hr.employee_history',
  'platform.outbox',
  'platform.idempotency',
  'platform.processed_events',
];

const fingerprintSql = `select ${writtenTables
  // Order-independent (no sort): the sum of a 64-bit hash of every row, with the count.
  .map((t) => `(select count(*) || ':' || coalesce(sum(hashtextextended(x::text, 0)), 0) from ${t} x) as "${t}"`)
  .join(', ')}`;

/** Row count and a digest of every row, per table. The marks of rows published earlier are sent first
 *  (shared/events/outbox.ts: they otherwise land up to a second later, inside whatever is measured next),
 *  so a change between two fingerprints is a write of what ran between them. */
export async function fingerprint(db: Pool): Promise<Record<string, string>> {
  await publishedMarksOf(db).flush();
  const { rows } = await db.query<Record<string, string>>(fingerprintSql);
  return rows[0]!;
}

/** Tables whose content differs between two fingerprints. */
export function changedTables(a: Record<string, string>, b: Record<string, string>): string[] {
  return writtenTables.filter((t) => a[t] !== b[t]);
}

/** The error shape of API.md: {error: {code, message, details?}} and nothing else. */
export function isErrorShape(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false;
  const keys = Object.keys(body);
  const error = (body as { error?: unknown }).error;
  if (keys.length !== 1 || !error || typeof error !== 'object') return false;
  const e = error as Record<string, unknown>;
  return typeof e.code === 'string' && typeof e.message === 'string' && Object.keys(e).every((k) => ['code', 'message', 'details'].includes(k));
}
