import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Envelope } from '../../shared/events/envelope.js';
import type { EventData, EventType } from '../../shared/events/registry.js';
import { v7 as uuidv7 } from 'uuid';
import { sampleEvent } from '../../tests/support/events.js';
import { toSeqEvent, type SeqEvent } from '../../olap/seq-event.js';
import { olapSettings } from '../../olap/config.js';
import { OlapStore } from '../../olap/store.js';
import { prng } from './prng.js';
import { syntheticOrderData } from './olap.js';
import { readBatch } from '../../functions/project-to-olap/schema.js';
import { parseEvent } from '../../shared/events/envelope.js';

// What one projector batch costs, without the box around it: an OlapStore on a temp file (the same
// DuckDB settings the projector opens it with by default) is filled by a rebuild, then fed live batches
// (20 events) and batches while behind (500 events, as rounds before measured them, or `behindSize`: the
// feed's own limit is stack.yml's erpbi.batch, 2,000), each timed by process.cpuUsage (DuckDB's threads
// included) and wall time; the behind batches' parsing is timed apart, as the route does it (the body's
// JSON, the batch's schema, each envelope: functions/project-to-olap/schema.ts) and as the fold reads each
// event's data by the registry (olap/fold.ts, inside apply). The events are whole order lifecycles as the flow emits them (order_created,
// stock_reserved, a stock_changed per line, the status moves, invoice_created, payment_received,
// invoice_paid; 1 in 20 cancelled, 1 in 4 left unpaid), several orders' events interleaved as they are
// live, so a batch touches new orders and moves rows already stored.
//
//   node --import tsx bench/lib/projector-micro.ts [orders=20000] [live=150] [behind=30] [behindSize=500] [duckdb_option=value ...]
//
// prints one JSON line: rebuild events/s, CPU ms per 20-event batch, events/s of the behind batches and
// CPU ms per behind batch of each parsing step.

const random = prng(24);
const skus = Array.from({ length: 200 }, (_, i) => ({ sku: `SKU-${String(i).padStart(4, '0')}`, unitPrice: 100 + ((i * 37) % 900) }));
let movement = 0;
const stockOf = new Map<string, number>();

/** One order's events in the order the functions emit them. */
function lifecycle(k: number, at: Date): Envelope[] {
  // Time-ordered ids as the functions make them (uuidv7): where an order's rows sit in the file follows when it came.
  const orderId = uuidv7();
  const invoiceId = uuidv7();
  const customerId = `c-${k % 500}`;
  const minute = (m: number) => new Date(at.getTime() + m * 60_000);
  const ev = <K extends EventType>(type: K, data: Partial<EventData<K>>, m: number) => sampleEvent(type, data, minute(m));
  const order = syntheticOrderData(k, skus, { orderId, customerId, createdAt: at.toISOString() });
  const { subtotal, tax, total, lines } = order;
  const status = (from: string, to: string, m: number) =>
    ev('order_status_changed', { orderId, customerId, from, to, cause: to, currency: 'EUR', total } as Partial<EventData<'order_status_changed'>>, m);
  const out: Envelope[] = [ev('order_created', order, 0), ev('stock_reserved', order, 1)];
  for (const l of lines) {
    const onHand = stockOf.get(l.sku) ?? 1_000_000;
    stockOf.set(l.sku, onHand - l.quantity);
    out.push(
      ev('stock_changed', { sku: l.sku, name: l.sku, onHand, reserved: l.quantity, available: onHand - l.quantity, orderId, movementId: ++movement }, 1),
    );
  }
  out.push(status('pending', 'reserved', 1));
  if (k % 20 === 7) {
    out.push(ev('order_cancelled', { orderId, customerId, previousStatus: 'reserved', reason: null, invoiceId: null }, 2));
    return out;
  }
  const issueDate = at.toISOString().slice(0, 10);
  const dueDate = new Date(at.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
  out.push(
    ev(
      'invoice_created',
      { invoiceId, number: `INV-${k}`, orderId, customerId, customerName: customerId, issueDate, dueDate, currency: 'EUR', subtotal, tax, total, lines },
      2,
    ),
    status('reserved', 'invoiced', 2),
  );
  if (k % 4 === 0) return out;
  const paidAt = minute(3).toISOString();
  out.push(
    ev(
      'payment_received',
      {
        paymentId: uuidv7(),
        invoiceId,
        orderId,
        customerId,
        currency: 'EUR',
        amount: total,
        amountPaid: total,
        balance: 0,
        invoiceStatus: 'paid',
        receivedAt: paidAt,
      },
      3,
    ),
    ev('invoice_paid', { invoiceId, orderId, customerId, currency: 'EUR', total, paidAt }, 3),
    status('invoiced', 'paid', 3),
  );
  return out;
}

/** A stream of `orders` lifecycles, `window` orders under way at once, their events interleaved. */
export function* orderStream(orders: number, window = 8, firstSeq = 1, firstOrder = 0): Generator<SeqEvent> {
  const base = Date.UTC(2026, 8, 1);
  let seq = firstSeq;
  let next = firstOrder;
  const active: Envelope[][] = [];
  const start = () => active.push(lifecycle(next, new Date(base + next++ * 10_000)));
  while (active.length < window && next < firstOrder + orders) start();
  while (active.length > 0) {
    const i = Math.floor(random() * active.length);
    yield { seq: seq++, event: active[i]!.shift()! };
    if (active[i]!.length === 0) {
      active.splice(i, 1);
      if (next < firstOrder + orders) start();
    }
  }
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export interface ProjectorCost {
  orders: number;
  rebuild: { events: number; cpuMs: number; wallMs: number; eventsPerCpuS: number; eventsPerS: number };
  live: { batches: number; cpuMsPerBatch: number; wallMsPerBatch: number };
  behind: { batches: number; size: number; cpuMsPerBatch: number; eventsPerCpuS: number; eventsPerS: number };
  /** CPU ms per behind batch: the route's JSON.parse, its readBatch (of which the envelopes), the registry's parse of the data (inside apply). */
  parse: { json: number; readBatch: number; envelopes: number; registry: number };
  rssMb: number;
}

export async function projectorCost(
  orders: number,
  liveBatches: number,
  behindBatches: number,
  options: Record<string, string>,
  behindSize = 500,
): Promise<ProjectorCost> {
  const dir = mkdtempSync(join(tmpdir(), 'erpbi-projector-micro-'));
  const store = new OlapStore(join(dir, 'olap.duckdb'), undefined, options);
  try {
    await store.watermark();
    // Rebuild: the replay hands over the stream in the feed's 500-event batches; the store chunks them.
    const all = [...orderStream(orders)];
    const cpu = cpuMs();
    const wall = performance.now();
    await store.rebuild(async (apply) => {
      for (let i = 0; i < all.length; i += 500) await apply(all.slice(i, i + 500));
    });
    const rebuild = { events: all.length, cpuMs: cpuMs() - cpu, wallMs: performance.now() - wall, eventsPerCpuS: 0, eventsPerS: 0 };
    rebuild.eventsPerCpuS = Math.round((rebuild.events / rebuild.cpuMs) * 1000);
    rebuild.eventsPerS = Math.round((rebuild.events / rebuild.wallMs) * 1000);
    let seq = all.length + 1;
    let order = orders;
    const run = async (batches: number, size: number) => {
      const need = batches * size;
      const events: SeqEvent[] = [];
      // Enough new orders for `need` events (about 10 each), interleaved after those stored.
      for (const e of orderStream(Math.ceil(need / 8) + 10, 8, seq, order)) {
        events.push(e);
        if (events.length === need) break;
      }
      order += Math.ceil(need / 8) + 10;
      seq += need;
      const c0 = cpuMs();
      const w0 = performance.now();
      for (let i = 0; i < need; i += size) await store.apply(events.slice(i, i + size));
      return { cpu: cpuMs() - c0, wall: performance.now() - w0, events };
    };
    await run(20, 20); // warm: the first batches after the rebuild compile what the live ones reuse
    const l = await run(liveBatches, 20);
    const b = await run(behindBatches, behindSize);
    const parse = parseCost(b.events, behindSize);
    return {
      orders,
      rebuild,
      live: { batches: liveBatches, cpuMsPerBatch: +(l.cpu / liveBatches).toFixed(2), wallMsPerBatch: +(l.wall / liveBatches).toFixed(2) },
      behind: {
        batches: behindBatches,
        size: behindSize,
        cpuMsPerBatch: +(b.cpu / behindBatches).toFixed(1),
        eventsPerCpuS: Math.round(((behindBatches * behindSize) / b.cpu) * 1000),
        eventsPerS: Math.round(((behindBatches * behindSize) / b.wall) * 1000),
      },
      parse,
      rssMb: Math.round(process.memoryUsage().rss / 1048576),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU ms per batch of each parsing step, over the batches' bodies as the feed sends them (triggers/batch-feed.ts), once warm. */
function parseCost(events: SeqEvent[], size: number): ProjectorCost['parse'] {
  const bodies: string[] = [];
  for (let i = 0; i < events.length; i += size) {
    const batch = events.slice(i, i + size);
    bodies.push(JSON.stringify({ events: batch, streamSeq: batch.at(-1)!.seq }));
  }
  const per = (step: (i: number) => unknown) => {
    // Warm: a projector behind the stream has parsed many batches before (the first few cost ~3x as much).
    for (let pass = 0; pass < 3; pass++) for (let i = 0; i < bodies.length; i++) step(i);
    const c = cpuMs();
    for (let i = 0; i < bodies.length; i++) step(i);
    return +((cpuMs() - c) / bodies.length).toFixed(2);
  };
  const parsed = bodies.map((b) => JSON.parse(b) as { events: { seq: number; event: unknown }[] });
  const read = parsed.map((b) => readBatch(b).events);
  return {
    json: per((i) => JSON.parse(bodies[i]!)),
    readBatch: per((i) => readBatch(parsed[i])),
    envelopes: per((i) => parsed[i]!.events.map((e) => toSeqEvent(e.seq, e.event))),
    registry: per((i) => read[i]!.map((e) => e.event && parseEvent(e.event))),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const [orders = 20_000, live = 150, behind = 30, behindSize = 500] = args.filter((a) => !a.includes('=')).map(Number);
  // The projector's defaults (olap/config.ts), any of them overridden as name=value.
  const options: Record<string, string> = { ...olapSettings({ ERPBI_DATA: tmpdir() }).duckdb };
  for (const a of args.filter((a) => a.includes('='))) options[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
  console.log(JSON.stringify({ options, ...(await projectorCost(orders, live, behind, options, behindSize)) }));
}
