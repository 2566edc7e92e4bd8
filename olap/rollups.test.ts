import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { orderStatuses } from '../shared/domain/order-lifecycle.js';
import type { Envelope } from '../shared/events/envelope.js';
import { sampleEvent } from '../tests/support/events.js';
import type { SeqEvent } from './seq-event.js';
import { OlapStore } from './store.js';
import type { Table } from './tables/declare.js';
import { recomputeSql, rollupTables } from './tables/rollups.js';

// The rollups kept batch by batch equal the same figures recomputed from the facts, whatever the events
// say and in whatever order and batches they come: orders created late (after their status moves),
// statuses moving up and back, cancellations and rejections (lines leave top products), invoices paid
// in steps and credited, an order_created published twice.

const dir = mkdtempSync(join(tmpdir(), 'erpbi-rollups-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const at = new Date(Date.UTC(2026, 10, 25, 9));
const skus = ['A', 'B', 'C'];

const order = fc.record({
  currency: fc.constantFrom('EUR', 'USD'),
  hour: fc.integer({ min: 0, max: 3 }),
  lines: fc.array(
    fc.record({ sku: fc.constantFrom(...skus), renamed: fc.boolean(), quantity: fc.integer({ min: 1, max: 5 }), net: fc.integer({ min: 0, max: 900 }) }),
    {
      minLength: 1,
      maxLength: 3,
    },
  ),
  moves: fc.array(fc.constantFrom(...orderStatuses), { maxLength: 4 }),
  called: fc.constantFrom('none', 'cancelled', 'rejected'),
  invoice: fc.option(
    fc.record({
      issued: fc.integer({ min: 0, max: 3 }),
      due: fc.integer({ min: 0, max: 40 }),
      paid: fc.array(fc.integer({ min: 1, max: 3000 }), { maxLength: 2 }),
      credited: fc.integer({ min: 0, max: 3000 }),
    }),
  ),
  twice: fc.boolean(),
});

const day = (n: number) => new Date(Date.UTC(2026, 10, 1 + n)).toISOString().slice(0, 10);

type Order = typeof order extends fc.Arbitrary<infer T> ? T : never;

function eventsOf(o: Order, k: number): Envelope[] {
  const orderId = `o${k}`;
  const base = { orderId, customerId: 'c1', currency: o.currency };
  const lines = o.lines.map((l) => ({
    sku: l.sku,
    name: l.renamed ? `${l.sku} (new)` : l.sku,
    quantity: l.quantity,
    unitPrice: 0,
    taxRateBp: 0,
    net: l.net,
    tax: 0,
  }));
  const total = lines.reduce((s, l) => s + l.net, 0);
  const created = sampleEvent(
    'order_created',
    { ...base, customerName: 'Ada', subtotal: total, tax: 0, total, lines, createdAt: new Date(at.getTime() + o.hour * 3_600_000).toISOString() },
    at,
  );
  const out: Envelope[] = [created, ...(o.twice ? [created] : [])];
  for (const to of o.moves) out.push(sampleEvent('order_status_changed', { ...base, to, total }, at));
  if (o.called === 'cancelled') out.push(sampleEvent('order_cancelled', { orderId, customerId: 'c1' }, at));
  if (o.called === 'rejected') out.push(sampleEvent('order_rejected', { orderId, customerId: 'c1' }, at));
  if (o.invoice) {
    const invoiceId = `i${k}`;
    const inv = { invoiceId, orderId, currency: o.currency };
    out.push(sampleEvent('invoice_created', { ...inv, issueDate: day(o.invoice.issued), dueDate: day(o.invoice.issued + o.invoice.due), total }, at));
    let paid = 0;
    o.invoice.paid.forEach((amount, n) => {
      paid += amount;
      out.push(sampleEvent('payment_received', { ...inv, paymentId: `p${k}-${n}`, amount, amountPaid: paid }, at));
    });
    out.push(sampleEvent('credit_note_issued', { ...inv, creditNoteId: `cn${k}`, credited: o.invoice.credited }, at));
  }
  return out;
}

const numbered = (t: Table<unknown>) => t.columns.map((c) => (c.type === 'bigint' ? `cast(${c.column} as bigint) as ${c.column}` : c.column)).join(', ');

async function kept(store: OlapStore, t: Table<unknown>) {
  return (await store.query({ sql: `select ${numbered(t)} from ${t.name} order by all`, values: [] })).rows;
}

async function recomputed(store: OlapStore, t: Table<unknown>) {
  const sql = `select ${numbered(t)} from (${recomputeSql[t.name]}) as r(${t.columns.map((c) => c.column).join(', ')}) order by all`;
  return (await store.query({ sql, values: [] })).rows;
}

async function expectRollupsRight(store: OlapStore, when: string): Promise<void> {
  for (const t of rollupTables) expect(await kept(store, t), `${t.name} ${when}`).toEqual(await recomputed(store, t));
}

describe('rollups', () => {
  let n = 0;
  it('equal a recomputation from the facts after every batch, whatever order and batches the events come in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(order, { minLength: 1, maxLength: 5 }).chain((orders) => {
          const all = orders.flatMap((o, k) => eventsOf(o, k));
          return fc.tuple(
            fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
            fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 6 }),
          );
        }),
        async ([events, sizes]) => {
          const stream: SeqEvent[] = events.map((event, i) => ({ seq: i + 1, event }));
          const store = new OlapStore(join(dir, `r-${(n += 1)}.duckdb`));
          try {
            let from = 0;
            for (let i = 0; from < stream.length; i += 1) {
              const size = sizes[i % sizes.length]!;
              await store.apply(stream.slice(from, from + size));
              from += size;
              await expectRollupsRight(store, `after event ${from}`);
            }
            const [hourly] = await kept(store, rollupTables[0]!);
            if (hourly) expect(Number(hourly.orders)).toBeGreaterThan(0);
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 300_000);

  it('are filled from the facts when a file made before them opens', async () => {
    const file = join(dir, 'older.duckdb');
    const orders = fc.sample(order, { numRuns: 6, seed: 24 });
    const stream: SeqEvent[] = orders.flatMap((o, k) => eventsOf(o, k)).map((event, i) => ({ seq: i + 1, event }));
    let store = new OlapStore(file);
    await store.apply(stream);
    const before = await Promise.all(rollupTables.map((t) => kept(store, t)));
    expect(before[0]).not.toHaveLength(0);
    for (const t of rollupTables) await store.query({ sql: `drop table ${t.name}`, values: [] });
    await store.close();
    store = new OlapStore(file);
    try {
      expect(await Promise.all(rollupTables.map((t) => kept(store, t)))).toEqual(before);
    } finally {
      await store.close();
    }
  });
});
