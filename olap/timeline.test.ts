import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../shared/events/envelope.js';
import type { EventData, EventType } from '../shared/events/registry.js';
import { sampleEvent } from '../tests/support/events.js';
import { maxIds, summarize, type ChangeSummary } from './change-summary.js';
import type { SeqEvent } from './fold.js';
import * as q from './queries.js';
import { OlapStore, type Watermark } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'erpbi-timeline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const now = new Date(Date.UTC(2026, 10, 25, 9, 0, 0));
// Each event caused by the one before it, as the reactions chain them.
type Step = { [K in EventType]: { type: K; data: EventData<K> } }[EventType];
function chain(steps: Step[]): Envelope[] {
  const out: Envelope[] = [];
  steps.forEach(({ type, data }, n) => {
    const prev = out[n - 1];
    out.push(
      sampleEvent(type, data, new Date(now.getTime() + n * 1000), {
        correlationId: 'corr-1',
        causationId: prev ? prev.id : null,
        actor: n === 0 ? 'clerk-1' : `service:step-${n}`,
      }),
    );
  });
  return out;
}

const line = { sku: 'A', name: 'Apple', quantity: 2, unitPrice: 500, taxRateBp: 2000, net: 1000, tax: 200 };
const snapshot = (orderId: string) => ({
  orderId,
  customerId: 'c1',
  customerName: 'Ada',
  paymentTermsDays: 30,
  currency: 'EUR',
  subtotal: 1000,
  tax: 200,
  total: 1200,
  lines: [line],
  createdAt: now.toISOString(),
});
const o1 = chain([
  { type: 'order_created', data: snapshot('o1') },
  { type: 'stock_reserved', data: snapshot('o1') },
  {
    type: 'order_status_changed',
    data: { orderId: 'o1', customerId: 'c1', from: 'pending', to: 'reserved', cause: 'stock_reserved', currency: 'EUR', total: 1200 },
  },
  {
    type: 'invoice_created',
    data: {
      invoiceId: 'i1',
      number: 'INV-2026-000001',
      orderId: 'o1',
      customerId: 'c1',
      customerName: 'Ada',
      issueDate: '2026-11-25',
      dueDate: '2026-12-25',
      currency: 'EUR',
      subtotal: 1000,
      tax: 200,
      total: 1200,
      lines: [line],
    },
  },
  {
    type: 'payment_received',
    data: {
      paymentId: 'p1',
      invoiceId: 'i1',
      orderId: 'o1',
      customerId: 'c1',
      currency: 'EUR',
      amount: 1200,
      method: 'card',
      amountPaid: 1200,
      balance: 0,
      invoiceStatus: 'paid',
      receivedAt: now.toISOString(),
    },
  },
]);
const other = <K extends EventType>(type: K, data: Partial<EventData<K>>) =>
  sampleEvent(type, data, now, { correlationId: 'corr-2', causationId: null, actor: 'admin-1' });
const noise = [
  other('product_upserted', { sku: 'A', name: 'Apple', unitPrice: 500, currency: 'EUR', taxRateBp: 2000, reorderLevel: 3 }),
  other('order_created', snapshot('o2')),
  other('stock_changed', { sku: 'A', name: 'Apple', onHand: 10, reserved: 2, available: 8, reason: 'reservation', orderId: 'o1', movementId: 4 }),
  other('employee_hired', {
    employeeId: 'e1',
    name: 'Eve',
    email: 'e@x',
    department: 'Ops',
    title: 'T',
    salary: 300000,
    currency: 'EUR',
    hiredAt: '2026-01-01',
    terminatedAt: null,
    status: 'active',
  }),
  other('customer_upserted', { id: 'c9', name: 'Bo', email: null, paymentTermsDays: 0 }),
];
// o1's chain with the other events between its steps: seq 1..10.
const stream: Envelope[] = [noise[0]!, o1[0]!, noise[1]!, o1[1]!, noise[2]!, o1[2]!, o1[3]!, noise[3]!, o1[4]!, noise[4]!];
const seqd: SeqEvent[] = stream.map((event, n) => ({ seq: n + 1, event }));

const timelineOf = async (store: OlapStore, id: string) => (await store.query(q.orderTimeline(id))).rows;

describe('the order timeline table', () => {
  it('keeps every event naming the order, as published, in stream order, with its causation', async () => {
    const store = new OlapStore(join(dir, 'a.duckdb'));
    await store.apply(seqd);
    const rows = await timelineOf(store, 'o1');
    expect(rows.map((r) => [r.seq, r.type])).toEqual([
      [2, 'order_created'],
      [4, 'stock_reserved'],
      [5, 'stock_changed'],
      [6, 'order_status_changed'],
      [7, 'invoice_created'],
      [9, 'payment_received'],
    ]);
    const byType = new Map(rows.map((r) => [r.type, r]));
    expect(byType.get('order_created')).toEqual({
      seq: 2,
      id: o1[0]!.id,
      type: 'order_created',
      occurredAt: o1[0]!.occurredAt,
      actor: 'clerk-1',
      causationId: null,
      correlationId: 'corr-1',
      data: o1[0]!.data,
    });
    expect(byType.get('stock_reserved')!.causationId).toBe(o1[0]!.id);
    expect(byType.get('order_status_changed')!.causationId).toBe(o1[1]!.id);
    expect(byType.get('invoice_created')!.causationId).toBe(o1[2]!.id);
    expect(byType.get('payment_received')!.causationId).toBe(o1[3]!.id);
    expect(byType.get('invoice_created')!.data).toEqual(o1[3]!.data);
    expect((await timelineOf(store, 'o2')).map((r) => r.type)).toEqual(['order_created']);
    expect(await timelineOf(store, 'nope')).toEqual([]);
    await store.close();
  });

  it('is the same under redelivery, other batch sizes and a rebuild', async () => {
    const store = new OlapStore(join(dir, 'b.duckdb'));
    await store.apply(seqd.slice(0, 6));
    await store.apply(seqd.slice(3)); // overlaps: 4..6 again
    await store.apply(seqd); // all again
    const once = { o1: await timelineOf(store, 'o1'), o2: await timelineOf(store, 'o2') };
    expect(once.o1).toHaveLength(6);

    const other = new OlapStore(join(dir, 'c.duckdb'));
    // Backwards, one by one: each is refused as a gap until seq 1, which lands alone (a product, not o1's).
    const refused: string[] = [];
    for (const e of [...seqd].reverse()) await other.apply([e]).catch((err: { code: string }) => refused.push(err.code));
    expect(refused).toEqual(Array(seqd.length - 1).fill('sequence_gap'));
    expect(await other.watermark()).toMatchObject({ seq: 1 });
    expect(await timelineOf(other, 'o1')).toEqual([]);
    const fresh = new OlapStore(join(dir, 'd.duckdb'));
    for (let i = 0; i < seqd.length; i += 4) await fresh.apply(seqd.slice(i, i + 4));
    expect({ o1: await timelineOf(fresh, 'o1'), o2: await timelineOf(fresh, 'o2') }).toEqual(once);

    await store.rebuild(async (apply) => {
      await apply(seqd.slice(0, 2));
      await apply(seqd.slice(2));
    });
    expect({ o1: await timelineOf(store, 'o1'), o2: await timelineOf(store, 'o2') }).toEqual(once);
    await Promise.all([store.close(), other.close(), fresh.close()]);
  });
});

describe('the per-batch change summary', () => {
  it('is told after each applied batch, from its fresh events only, never for a batch skipped whole', async () => {
    const store = new OlapStore(join(dir, 'e.duckdb'));
    const told: ChangeSummary[] = [];
    const marks: Watermark[] = [];
    store.onChanges((c) => told.push(c));
    store.onApplied((w) => marks.push(w));

    await store.apply(seqd.slice(0, 3));
    expect(told).toEqual([
      { seq: 3, types: ['product_upserted', 'order_created'], orders: ['o1', 'o2'], invoices: [], skus: ['A'], customers: ['c1'], employees: [], more: false },
    ]);

    await store.apply(seqd.slice(0, 3)); // a redelivery: nothing applied, nothing told
    expect(told).toHaveLength(1);

    await store.apply(seqd.slice(1, 9)); // 2..3 are skipped; 4..9 are fresh
    expect(told[1]).toEqual({
      seq: 9,
      types: ['stock_reserved', 'stock_changed', 'order_status_changed', 'invoice_created', 'employee_hired', 'payment_received'],
      orders: ['o1'],
      invoices: ['i1'],
      skus: ['A'],
      customers: ['c1'],
      employees: ['e1'],
      more: false,
    });
    await store.apply(seqd);
    expect(told.map((c) => c.seq)).toEqual([3, 9, 10]);
    expect(told[2]).toMatchObject({ types: ['customer_upserted'], customers: ['c9'], orders: [] });
    // The watermark listeners are told as before, in step.
    const shape = ['appliedAt', 'eventTime', 'seq', 'streamSeq'];
    expect(marks.map((m) => Object.keys(m).sort())).toEqual([shape, shape, shape]);
    expect(marks.map((m) => m.seq)).toEqual([3, 9, 10]);
    await store.close();
  });

  it(`cuts each list at ${maxIds} ids and says so`, () => {
    const many: SeqEvent[] = Array.from({ length: maxIds + 5 }, (_, n) => ({
      seq: n + 1,
      event: other('order_created', { ...snapshot(`o-${n}`), customerId: `c-${n % 3}` }),
    }));
    const s = summarize([...many, { seq: 999, event: null }], 999);
    expect(s.orders).toHaveLength(maxIds);
    expect(s.orders[0]).toBe('o-0');
    expect(s).toMatchObject({ seq: 999, types: ['order_created'], customers: ['c-0', 'c-1', 'c-2'], more: true });
    expect(summarize(many.slice(0, maxIds), 200).more).toBe(false); // exactly the cap is not cut
    expect(summarize(many.slice(0, maxIds).concat(many.slice(0, 3)), 200).more).toBe(false); // repeats are not new ids
  });
});
