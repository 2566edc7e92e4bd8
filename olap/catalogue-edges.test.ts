import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../shared/events/envelope.js';
import type { EventData, EventType } from '../shared/events/registry.js';
import { sampleEvent } from '../tests/support/events.js';
import { rowSchemas } from './catalogue.js';
import * as ref from './catalogue/reference.js';
import * as q from './queries.js';
import { OlapStore } from './store.js';

// The edges the catalogue decides (olap/catalogue/sales.ts), through DuckDB, against the catalogue's
// reference over the same facts written plainly: bucket boundary days (30/31, 90/91), an invoice issued
// after asOf, a cancelled then credited order, a product renamed after it sold, an empty hour, two currencies.

const dir = mkdtempSync(join(tmpdir(), 'erpbi-catalogue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const now = new Date();
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
const ev = <K extends EventType>(type: K, data: Partial<EventData<K>>, at: Date | string = now): Envelope => sampleEvent(type, data, new Date(at));
const line = (sku: string, name: string, quantity: number, net: number) => ({
  sku,
  name,
  quantity,
  unitPrice: net / quantity,
  taxRateBp: 2000,
  net,
  tax: net / 5,
});

type Line = ReturnType<typeof line>;
const order = (orderId: string, currency: string, lines: Line[], createdAt: string) => {
  const subtotal = lines.reduce((n, l) => n + l.net, 0);
  return ev('order_created', { orderId, currency, subtotal, tax: subtotal / 5, total: subtotal * 1.2, lines, createdAt }, createdAt);
};
const invoice = (invoiceId: string, orderId: string, currency: string, total: number, issueDate: string, dueDate: string) =>
  ev('invoice_created', { invoiceId, orderId, currency, total, subtotal: total / 1.2, tax: total - total / 1.2, issueDate, dueDate });
const status = (orderId: string, to: 'reserved' | 'invoiced' | 'cancelled' | 'rejected') => ev('order_status_changed', { orderId, to });

const o1 = [line('A', 'Apple', 2, 1000)];
const o2 = [line('B', 'Bean', 1, 5000)];
const o3 = [line('A', 'Apple', 10, 5000)];
const o4 = [line('A', 'Apple', 1, 500), line('C', 'Cherry', 3, 900)];
const events: Envelope[] = [
  ev('product_upserted', { sku: 'A', name: 'Apple', currency: 'EUR' }),
  order('o1', 'EUR', o1, hoursAgo(3)), // three hours ago; the two hours after it hold nothing
  status('o1', 'reserved'),
  invoice('i1', 'o1', 'EUR', 1200, '2026-01-01', '2026-01-01'),
  status('o1', 'invoiced'),
  order('o2', 'USD', o2, hoursAgo(0)),
  invoice('i2', 'o2', 'USD', 6000, '2026-01-15', '2026-03-01'),
  status('o2', 'invoiced'),
  // Invoiced, cancelled, credited in full: no revenue, no receivable, counted as cancelled in its hour.
  order('o3', 'EUR', o3, hoursAgo(0)),
  invoice('i3', 'o3', 'EUR', 6000, '2026-01-01', '2026-01-01'),
  status('o3', 'invoiced'),
  status('o3', 'cancelled'),
  ev('credit_note_issued', { invoiceId: 'i3', orderId: 'o3', currency: 'EUR', amount: 6000, credited: 6000 }),
  order('o4', 'EUR', o4, hoursAgo(0)),
  status('o4', 'rejected'),
  // Renamed after it sold: BI shows the new name.
  ev('product_upserted', { sku: 'A', name: 'Apple Pie', currency: 'EUR' }),
];
const facts: ref.Facts = {
  orders: [
    { status: 'invoiced', currency: 'EUR', total: 1200, createdAt: hoursAgo(3), lines: o1 },
    { status: 'invoiced', currency: 'USD', total: 6000, createdAt: hoursAgo(0), lines: o2 },
    { status: 'cancelled', currency: 'EUR', total: 6000, createdAt: hoursAgo(0), lines: o3 },
    { status: 'rejected', currency: 'EUR', total: 1680, createdAt: hoursAgo(0), lines: o4 },
  ],
  invoices: [
    { issueDate: '2026-01-01', dueDate: '2026-01-01', currency: 'EUR', balance: 1200 },
    { issueDate: '2026-01-15', dueDate: '2026-03-01', currency: 'USD', balance: 6000 },
    { issueDate: '2026-01-01', dueDate: '2026-01-01', currency: 'EUR', balance: 0 },
  ],
  productNames: new Map([['A', 'Apple Pie']]),
  employees: [],
};

let store: OlapStore;
beforeAll(async () => {
  store = new OlapStore(join(dir, 'edges.duckdb'));
  await store.apply(events.map((event, n) => ({ seq: n + 1, event })));
});
afterAll(() => store?.close());
const rows = async (name: keyof typeof rowSchemas, sql: q.NamedSql) => (await store.query(sql)).rows.map((r) => rowSchemas[name].parse(r));

describe("the catalogue's decisions, through DuckDB", () => {
  it('ages on half-open buckets: day 30 in 1-30, 31 in 31-60, 90 in 61-90, 91 in 91+; not before the issue date', async () => {
    const bucketOf = async (asOf: string) =>
      (await rows('ar_aging', q.arAging(asOf))).filter((r) => r.currency === 'EUR' && Number(r.invoices) > 0).map((r) => r.bucket);
    expect(await bucketOf('2026-01-31')).toEqual(['1-30']);
    expect(await bucketOf('2026-02-01')).toEqual(['31-60']);
    expect(await bucketOf('2026-04-01')).toEqual(['61-90']);
    expect(await bucketOf('2026-04-02')).toEqual(['91+']);
    expect(await bucketOf('2026-01-01')).toEqual(['current']);
    // Before i2's issue date only EUR is receivable; before any, nothing (no currency, no rows).
    expect(new Set((await rows('ar_aging', q.arAging('2026-01-10'))).map((r) => r.currency))).toEqual(new Set(['EUR']));
    expect(await rows('ar_aging', q.arAging('2025-12-31'))).toEqual([]);
    for (const asOf of ['2025-12-31', '2026-01-01', '2026-01-10', '2026-01-31', '2026-02-01', '2026-04-01', '2026-04-02', '2026-06-30']) {
      expect(await rows('ar_aging', q.arAging(asOf)), asOf).toEqual(ref.arAging(facts, { asOf }));
    }
  });

  it('lists every hour of the window per currency, zeros in the empty ones; a cancelled and credited order is no revenue', async () => {
    const got = await rows('sales_by_hour', q.salesByHour(5, now));
    expect(got).toEqual(ref.salesByHour(facts, { hours: 5 }, now));
    expect(got).toHaveLength(10); // 5 hours x EUR, USD
    const eur = got.filter((r) => r.currency === 'EUR');
    expect(eur.map((r) => r.orders)).toEqual([0, 1, 0, 0, 2]);
    expect(eur.at(-1)).toMatchObject({ booked: 0, revenue: 0, cancelled: 1, rejected: 1 });
    expect(eur[1]).toMatchObject({ booked: 1, revenue: 1200 });
    expect(got.filter((r) => r.currency === 'USD').at(-1)).toMatchObject({ revenue: 6000 });
  });

  it('counts orders now in each status, per currency', async () => {
    const got = await rows('order_funnel', q.orderFunnel);
    expect(got).toEqual(ref.orderFunnel(facts));
    expect(got.map((r) => `${r.status} ${r.currency} ${r.orders} ${r.value}`)).toEqual([
      'invoiced EUR 1 1200',
      'invoiced USD 1 6000',
      'cancelled EUR 1 6000',
      'rejected EUR 1 1680',
    ]);
  });

  it('ranks products within each currency by net revenue, under their current name', async () => {
    const got = await rows('top_products', q.topProducts(10));
    expect(got).toEqual(ref.topProducts(facts, { limit: 10 }));
    expect(got).toEqual([
      { sku: 'A', name: 'Apple Pie', currency: 'EUR', rank: 1, quantity: 2, revenue: 1000 },
      { sku: 'B', name: 'Bean', currency: 'USD', rank: 1, quantity: 1, revenue: 5000 },
    ]);
  });
});
