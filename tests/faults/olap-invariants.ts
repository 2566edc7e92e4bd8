import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from '../../shared/db/pool.js';
import type { Box } from '../support/box.js';
import { waitFor } from '../support/wait.js';
import { request, tokensFor } from './driver.js';
import type { Checked } from './invariants.js';

const root = join(import.meta.dirname, '..', '..');
/** The projector is in this tree: the OLAP check runs. */
export const olapPresent = existsSync(join(root, 'functions', 'project-to-olap', 'handler.ts'));

/** 9. OLAP aggregates equal Postgres, once the projector has caught up (polled with a deadline). */
export async function checkOlap(box: Box, db: Pool): Promise<Checked> {
  const checked: Checked = {};
  const q = async <T = any>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows as T[];
  const token = await tokensFor(box)('admin');
  // Per status and currency, as the catalogue defines the funnel (a row never adds EUR to USD).
  const pgFunnel = (
    await q<{ status: string; currency: string; orders: number; value: string }>(
      'select status, currency, count(*)::int as orders, sum(total)::bigint as value from orders.orders group by status, currency',
    )
  )
    .map((r) => ({ status: r.status, currency: r.currency, orders: Number(r.orders), value: Number(r.value) }))
    .sort((a, b) => `${a.status} ${a.currency}`.localeCompare(`${b.status} ${b.currency}`));
  const pgStock = await q<{ sku: string; onHand: number; reserved: number }>(
    'select sku, on_hand as "onHand", reserved from inventory.stock_view order by sku',
  );
  let lastOlap = '';
  await waitFor(
    async () => {
      const funnel = await request(box, token, '/function/project-to-olap/query/order_funnel');
      const levels = await request(box, token, '/function/project-to-olap/query/stock_levels');
      if (funnel.status !== 200 || levels.status !== 200) return false;
      const f = (funnel.body.rows as { status: string; currency: string; orders: number; value: number }[])
        .map((r) => ({ status: r.status, currency: r.currency, orders: Number(r.orders), value: Number(r.value) }))
        .sort((a, b) => `${a.status} ${a.currency}`.localeCompare(`${b.status} ${b.currency}`));
      const s = (levels.body.rows as { sku: string; onHand: number; reserved: number }[])
        .map((r) => ({ sku: r.sku, onHand: Number(r.onHand), reserved: Number(r.reserved) }))
        .sort((a, b) => a.sku.localeCompare(b.sku));
      lastOlap = JSON.stringify({ olapFunnel: f, pgFunnel, olapStock: s, pgStock });
      return JSON.stringify(f) === JSON.stringify(pgFunnel) && JSON.stringify(s) === JSON.stringify(pgStock);
    },
    { timeoutMs: 60_000, intervalMs: 500, what: () => `OLAP order_funnel and stock_levels to equal Postgres: ${lastOlap.slice(0, 2000)}` },
  );
  checked['OLAP funnel (status, currency) rows = Postgres'] = pgFunnel.length;
  checked['OLAP stock skus = Postgres'] = pgStock.length;
  return checked;
}
