import { v7 as uuidv7 } from 'uuid';
import type { Bus } from '../../shared/events/bus.js';
import type { RebuildState } from '../../functions/project-to-olap/rebuild-job.js';
import type { BenchBox, Catalogue } from './box.js';
import { boxLog, cannotMeasure } from './fail.js';
import { dataDir } from './options.js';
import type { OlapWatch } from './olap-watch.js';
import { now, sleep, summarize, type Summary } from './stats.js';

// OLAP at volume: synthetic orders published straight into the box's stream on a subject of their own
// (`<prefix>.bench.<type>`). No reaction listens there (their consumers filter on exact subjects), but
// the projector's feed takes the whole prefix and folds by the envelope's type: only the projection
// grows. Each synthetic order: order_created, invoice_created, and for 3 in 4 payment_received with
// the status moved to paid; instants spread over the last 120 days.

export const namedQueries: { name: string; path: string; role: 'admin' | 'clerk' }[] = [
  { name: 'sales_by_hour', path: 'sales_by_hour?hours=2880', role: 'clerk' },
  { name: 'ar_aging', path: 'ar_aging', role: 'clerk' },
  { name: 'stock_levels', path: 'stock_levels', role: 'clerk' },
  { name: 'order_funnel', path: 'order_funnel', role: 'clerk' },
  { name: 'top_products', path: 'top_products?limit=10', role: 'clerk' },
  { name: 'headcount_by_department', path: 'headcount_by_department', role: 'clerk' },
  { name: 'payroll_by_department', path: 'payroll_by_department', role: 'admin' },
  { name: 'order', path: 'order?id=', role: 'clerk' },
];

export interface LoadResult {
  orders: number;
  events: number;
  publishMs: number;
  /** First publish -> watermark covering the last event (feed + apply, end to end). */
  projectedMs: number;
  /** Watermark progress per second while the projector had a backlog. */
  applyRate: number;
  batches: number;
}

/** The k-th synthetic order's order_created data: 1 to 3 lines picked from `skus` by k, 20 % tax, in EUR (also bench/lib/projector-micro.ts's). */
export function syntheticOrderData(k: number, skus: { sku: string; unitPrice: number }[], o: { orderId: string; customerId: string; createdAt: string }) {
  const lines = Array.from({ length: 1 + (k % 3) }, (_, n) => {
    const p = skus[(k * 7 + n * 13) % skus.length]!;
    const quantity = 1 + ((k + n) % 5);
    const net = p.unitPrice * quantity;
    return { sku: p.sku, name: p.sku, quantity, unitPrice: p.unitPrice, taxRateBp: 2000, net, tax: Math.round(net / 5) };
  });
  const subtotal = lines.reduce((a, l) => a + l.net, 0);
  const tax = lines.reduce((a, l) => a + l.tax, 0);
  return { ...o, customerName: o.customerId, paymentTermsDays: 30, currency: 'EUR', subtotal, tax, total: subtotal + tax, lines };
}

/** One synthetic order's events, in the order published; returns its id (also bench/lib/query-micro.ts's fill). */
export function* syntheticOrder(k: number, cat: Catalogue, random: () => number, base: number) {
  const orderId = uuidv7();
  const invoiceId = uuidv7();
  const customerId = cat.customers[k % cat.customers.length]!;
  const at = new Date(base - random() * 120 * 86_400_000);
  const iso = at.toISOString();
  const order = syntheticOrderData(k, cat.skus, { orderId, customerId, createdAt: iso });
  const { total } = order;
  const env = (type: string, aggregateType: string, aggregateId: string, data: Record<string, unknown>) => ({
    id: uuidv7(),
    type,
    version: 1,
    occurredAt: iso,
    aggregateType,
    aggregateId,
    correlationId: `bench-${k}`,
    causationId: null,
    actor: 'bench',
    data,
  });
  yield env('order_created', 'order', orderId, order);
  const due = new Date(at.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
  yield env('invoice_created', 'invoice', invoiceId, {
    invoiceId,
    number: `INV-B-${k}`,
    orderId,
    customerId,
    customerName: customerId,
    issueDate: iso.slice(0, 10),
    dueDate: due,
    currency: 'EUR',
    total,
  });
  if (k % 4 !== 0) {
    const paymentId = uuidv7();
    yield env('payment_received', 'invoice', invoiceId, {
      paymentId,
      invoiceId,
      orderId,
      customerId,
      currency: 'EUR',
      amount: total,
      method: 'bank_transfer',
      amountPaid: total,
      balance: 0,
      invoiceStatus: 'paid',
      receivedAt: iso,
    });
    yield env('order_status_changed', 'order', orderId, {
      orderId,
      customerId,
      from: 'invoiced',
      to: 'paid',
      cause: 'payment_received',
      currency: 'EUR',
      total,
    });
  } else {
    yield env('order_status_changed', 'order', orderId, {
      orderId,
      customerId,
      from: 'reserved',
      to: 'invoiced',
      cause: 'invoice_created',
      currency: 'EUR',
      total,
    });
  }
  return orderId;
}

/** Publishes `orders` synthetic orders and waits until the projector's watermark covers them all. */
export async function loadSynthetic(
  bus: Bus,
  prefix: string,
  cat: Catalogue,
  watch: OlapWatch,
  orders: number,
  random: () => number,
  timeoutMs: number,
  sampleIds: string[],
): Promise<LoadResult> {
  const base = Date.now();
  const window = 2000;
  const pending = new Set<Promise<unknown>>();
  let events = 0;
  let lastSeq = 0;
  const points: [number, number][] = [];
  watch.onWatermark((seq, at) => points.push([at, seq]));
  const started = now();
  for (let k = 0; k < orders; k++) {
    const gen = syntheticOrder(k, cat, random, base);
    for (;;) {
      const step = gen.next();
      if (step.done) {
        if (k % Math.max(1, Math.floor(orders / 50)) === 0) sampleIds.push(step.value);
        break;
      }
      const e = step.value;
      const p = bus.js.publish(`${prefix}.bench.${e.type}`, JSON.stringify(e)).then((ack) => {
        if (ack.seq > lastSeq) lastSeq = ack.seq;
      });
      events += 1;
      pending.add(p);
      void p.finally(() => pending.delete(p));
      if (pending.size >= window) await Promise.race(pending);
    }
  }
  await Promise.all(pending);
  const publishMs = now() - started;
  const deadline = now() + timeoutMs;
  while (watch.seq < lastSeq && now() < deadline) await sleep(50);
  if (watch.seq < lastSeq) {
    const where = `watermark ${watch.seq} < ${lastSeq} after ${timeoutMs / 1000} s`;
    cannotMeasure(`the OLAP load of ${orders} orders`, `the projector did not apply them all (${where})`, boxLog(dataDir, 'project-to-olap'));
  }
  const projectedMs = now() - started;
  watch.onWatermark(() => {});
  // Apply rate over the stretch where the projector was behind the publisher.
  const behind = points.filter(([, seq]) => seq < lastSeq);
  const first = points[Math.min(1, points.length - 1)];
  const last = points[points.length - 1];
  if (!first || !last || last[0] <= first[0])
    cannotMeasure(`the OLAP apply rate at ${orders} orders`, `${points.length} watermark(s) seen on the live feed while it applied ${events} events`);
  const applyRate = (last[1] - first[1]) / ((last[0] - first[0]) / 1000);
  return { orders, events, publishMs, projectedMs, applyRate, batches: behind.length };
}

/**
 * Each named query `repeats` times. The projector keeps an answer until the next batch (olap/answer-cache.ts);
 * `cached: false` asks with `cache-control: no-cache`, so every ask is computed: the cost of the first ask
 * after a batch, and what these figures meant before the cache. `cached: true` times what a dashboard
 * asking again between two batches gets.
 */
export async function queryLatencies(b: BenchBox, repeats: number, orderIds: string[], cached = false): Promise<Record<string, Summary & { status: number }>> {
  const out: Record<string, Summary & { status: number }> = {};
  const headers: Record<string, string> = cached ? {} : { 'cache-control': 'no-cache' };
  for (const q of namedQueries) {
    const samples: number[] = [];
    let status = 0;
    for (let k = 0; k < repeats; k++) {
      const path = q.name === 'order' ? `${q.path}${encodeURIComponent(orderIds[k % Math.max(1, orderIds.length)] ?? 'none')}` : q.path;
      const t = now();
      const res = await b.http.get(`/function/project-to-olap/query/${path}`, b.tokens[q.role], 120_000, headers);
      samples.push(now() - t);
      status = res.status;
      if (status !== 200) cannotMeasure(`the BI query ${q.name}`, `GET ${path} answered ${status}: ${JSON.stringify(res.body).slice(0, 500)}`);
    }
    out[q.name] = { ...summarize(samples), status };
  }
  return out;
}

/** How long the bench waits for a rebuild (4.3M events at 1M orders took ~6.5 min), and for a projector that does not answer. */
const rebuildDeadlineMs = 1_800_000;
const unansweredMs = 60_000;

/**
 * Rebuild from the stream (admin): drops the projection and replays every event. POST rebuild answers
 * 202 at once; GET rebuild is polled until the rebuild is done. `ms` is the projector's own, from the
 * POST to the last event applied (the polling adds nothing to it); `status` the final GET's.
 */
export async function rebuild(b: BenchBox): Promise<{ status: number; events: number; ms: number; rate: number; body: unknown }> {
  const path = '/function/project-to-olap/rebuild';
  const log = () => boxLog(dataDir, 'project-to-olap');
  const started = await b.http.post(path, b.tokens.admin, {});
  if (started.status !== 202) cannotMeasure('the OLAP rebuild', `POST answered ${started.status}: ${JSON.stringify(started.body).slice(0, 500)}`, log());
  const deadline = now() + rebuildDeadlineMs;
  let answeredAt = now();
  for (;;) {
    const res = await b.http.get(path, b.tokens.admin);
    const state = res.body as RebuildState;
    if (res.status === 200) answeredAt = now();
    else if (res.status !== 0 && res.status < 500) cannotMeasure('the OLAP rebuild', `GET answered ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`);
    else if (now() - answeredAt > unansweredMs)
      cannotMeasure('the OLAP rebuild', `GET has not answered for ${unansweredMs / 1000} s: ${res.status} ${String(res.body).slice(0, 200)}`, log());
    if (res.status === 200 && state.state === 'done') {
      if (!(state.events > 0)) cannotMeasure('the OLAP rebuild', `done without events: ${JSON.stringify(state).slice(0, 500)}`);
      return { status: res.status, events: state.events, ms: state.ms, rate: state.events / (state.ms / 1000), body: undefined };
    }
    if (res.status === 200 && state.state !== 'running') cannotMeasure('the OLAP rebuild', `it ended ${JSON.stringify(state).slice(0, 500)}`, log());
    if (now() > deadline) cannotMeasure('the OLAP rebuild', `still running after ${rebuildDeadlineMs / 1000} s: ${JSON.stringify(state).slice(0, 300)}`, log());
    await sleep(1000);
  }
}
