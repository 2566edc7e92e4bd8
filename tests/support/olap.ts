import { jetstreamManager } from '@nats-io/jetstream';
import { pino } from 'pino';
import { startBatchFeed } from '../../triggers/batch-feed.js';
import type { Harness } from './harness.js';
import { waitFor } from './wait.js';

export const aggregateNames = [
  'sales_by_hour',
  'ar_aging',
  'stock_levels',
  'order_funnel',
  'top_products',
  'headcount_by_department',
  'payroll_by_department',
] as const;
/** Buying and margin (olap/buying-queries.ts), with the parameters allAggregates asks them with. */
export const buyingQueries = { gross_margin: '?months=12', inventory_value: '?days=90', purchase_spend: '?months=12', stock_on_order: '' } as const;
export const buyingParams = { months: 12, days: 90 };

/** Runs the connector's real batch feed against the harness's stream, POSTing into the in-process projector. */
export async function feedProjector(h: Harness, opts: { batchSize?: number } = {}) {
  const token = await h.keys.token('service', 'connector');
  const posted: { size: number; status: number }[] = [];
  const stop = await startBatchFeed({
    bus: h.bus.bus,
    stream: h.bus.stream,
    subject: `${h.bus.prefix}.>`,
    fn: 'project-to-olap',
    batchSize: opts.batchSize ?? 500,
    log: pino({ level: 'silent' }),
    post: async (body) => {
      const res = await h.call('project-to-olap', '/batch', { token, rawBody: body });
      posted.push({ size: (JSON.parse(body) as { events: unknown[] }).events.length, status: res.status });
      return { status: res.status, detail: JSON.stringify(res.body) };
    },
  });
  return { stop, posted };
}

export async function lastSeq(h: Harness): Promise<number> {
  const jsm = await jetstreamManager(h.bus.bus.nc);
  return (await jsm.streams.info(h.bus.stream)).state.last_seq;
}

export async function projectorSeq(h: Harness): Promise<number> {
  const res = await h.get('project-to-olap', '/query/order_funnel', { role: 'clerk' });
  return res.body.watermark.seq as number;
}

/** Waits until the projector has applied everything the stream holds now. */
export async function caughtUp(h: Harness, timeoutMs = 20_000): Promise<number> {
  const target = await lastSeq(h);
  await waitFor(async () => (await projectorSeq(h)) >= target, { timeoutMs, what: `projector watermark ${target}` });
  return target;
}

/** Every aggregate (rows only) with the given parameters, for before/after comparisons. */
export async function allAggregates(h: Harness, asOf: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const get = async (path: string) => {
    const res = await h.get('project-to-olap', path, { role: 'admin' });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.rows;
  };
  for (const name of aggregateNames)
    out[name] = await get(`/query/${name}${name === 'sales_by_hour' ? '?hours=48' : name === 'top_products' ? '?limit=100' : ''}`);
  for (const d of asOf) out[`ar_aging@${d}`] = await get(`/query/ar_aging?asOf=${d}`);
  for (const [name, params] of Object.entries(buyingQueries)) out[name] = await get(`/query/${name}${params}`);
  return out;
}
