import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../shared/events/envelope.js';
import type { EventData, EventType } from '../shared/events/registry.js';
import { sampleEvent } from '../tests/support/events.js';
import type { SeqEvent } from './fold.js';
import * as q from './queries.js';
import { OlapStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'erpbi-olap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const now = new Date();
const ev = <K extends EventType>(type: K, data: Partial<EventData<K>>): Envelope => sampleEvent(type, data, now);
const line = { sku: 'A', name: 'Apple', quantity: 2, unitPrice: 500, taxRateBp: 2000, net: 1000, tax: 200 };
const created = (id: string, total = 1200) =>
  ev('order_created', {
    orderId: id,
    customerId: 'c1',
    customerName: 'Ada',
    paymentTermsDays: 0,
    currency: 'EUR',
    subtotal: 1000,
    tax: total - 1000,
    total,
    lines: [line],
    createdAt: now.toISOString(),
  });
const events: Envelope[] = [
  ev('product_upserted', { sku: 'A', name: 'Apple', unitPrice: 500, currency: 'EUR', taxRateBp: 2000 }),
  ev('stock_changed', { sku: 'A', name: 'Apple', onHand: 10, reserved: 0, movementId: 1 }),
  created('o1'),
  created('o2'),
  ev('stock_changed', { sku: 'A', name: 'Apple', onHand: 10, reserved: 2, movementId: 2 }),
  ev('order_status_changed', { orderId: 'o1', to: 'reserved' }),
  ev('invoice_created', {
    invoiceId: 'i1',
    number: 'INV-1',
    orderId: 'o1',
    customerId: 'c1',
    customerName: 'Ada',
    issueDate: '2026-01-01',
    dueDate: '2026-01-01',
    currency: 'EUR',
    total: 1200,
  }),
  ev('order_status_changed', { orderId: 'o1', to: 'invoiced' }),
  ev('payment_received', { paymentId: 'p1', invoiceId: 'i1', orderId: 'o1', currency: 'EUR', amount: 200, amountPaid: 200, invoiceStatus: 'partially_paid' }),
  ev('order_status_changed', { orderId: 'o2', to: 'rejected' }),
  ev('employee_hired', {
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
];
const seqd: SeqEvent[] = events.map((event, n) => ({ seq: n + 1, event }));

async function all(store: OlapStore) {
  const out: Record<string, unknown> = {};
  for (const [name, sql] of Object.entries({
    sales: q.salesByHour(48, now),
    aging: q.arAging('2026-02-15'),
    stock: q.stockLevels,
    funnel: q.orderFunnel,
    top: q.topProducts(10),
    head: q.headcountByDepartment,
    pay: q.payrollByDepartment(3),
    order: q.projectedOrder('o1'),
  }))
    out[name] = (await store.query(sql)).rows;
  return out;
}

describe('the DuckDB store', () => {
  it('applies batches once, whatever is redelivered, and answers the named queries', async () => {
    const store = new OlapStore(join(dir, 'a.duckdb'));
    const first = await store.apply(seqd.slice(0, 6));
    expect(first).toMatchObject({ applied: 6, skipped: 0, watermark: { seq: 6 } });
    const second = await store.apply(seqd); // overlaps the first batch: those six are skipped
    expect(second).toMatchObject({ applied: 5, skipped: 6, watermark: { seq: 11 } });
    const once = await all(store);
    expect(await store.apply(seqd)).toMatchObject({ applied: 0, skipped: 11 });
    expect(await all(store)).toEqual(once);

    expect(once.order).toEqual([
      expect.objectContaining({
        id: 'o1',
        status: 'partially_paid',
        amountPaid: 200,
        invoiceNumber: 'INV-1',
        lines: [{ sku: 'A', name: 'Apple', quantity: 2, net: 1000, tax: 200 }],
      }),
    ]);
    expect(once.stock).toEqual([{ sku: 'A', name: 'Apple', onHand: 10, reserved: 2, available: 8 }]);
    // The five buckets of the currency, empty ones as zeros (olap/catalogue/sales.ts).
    expect(once.aging).toEqual(
      ['current', '1-30', '31-60', '61-90', '91+'].map((bucket) => ({
        bucket,
        currency: 'EUR',
        invoices: bucket === '31-60' ? 1 : 0,
        balance: bucket === '31-60' ? 1000 : 0,
      })),
    );
    expect(once.funnel).toEqual([
      { status: 'partially_paid', currency: 'EUR', orders: 1, value: 1200 },
      { status: 'rejected', currency: 'EUR', orders: 1, value: 1200 },
    ]);
    // Every hour of the window, the current one holding both orders.
    expect(once.sales).toHaveLength(48);
    expect((once.sales as { orders: number }[]).at(-1)).toEqual(expect.objectContaining({ currency: 'EUR', orders: 2, booked: 1, revenue: 1200, rejected: 1 }));
    expect((once.sales as { orders: number }[]).slice(0, -1).every((r) => r.orders === 0)).toBe(true);
    expect(once.top).toEqual([{ sku: 'A', name: 'Apple', currency: 'EUR', rank: 1, quantity: 2, revenue: 1000 }]);
    // Eve is Ops' only employee: her pay is not shown (olap/payroll-groups.ts), only her headcount.
    expect(once.head).toEqual([{ department: 'Ops', headcount: 1 }]);
    expect(once.pay).toEqual([]);

    // A fresh file fed the same stream in other batch sizes ends up identical.
    const other = new OlapStore(join(dir, 'b.duckdb'));
    for (let i = 0; i < seqd.length; i += 3) await other.apply(seqd.slice(i, i + 3));
    expect(await all(other)).toEqual(once);

    // Rebuild in place: the file is deleted and the same events replayed.
    const rebuilt = await store.rebuild(async (apply) => {
      await apply(seqd.slice(0, 4));
      await apply(seqd.slice(4));
    });
    expect(rebuilt).toMatchObject({ events: 11, watermark: { seq: 11 } });
    expect(await all(store)).toEqual(once);
    await store.close();
    await other.close();
  });

  it('writes a batch on one thread, and leaves the queries the threads it was opened with', async () => {
    const store = new OlapStore(join(dir, 'threads.duckdb'), undefined, { threads: '2' });
    const threads = async () => (await store.query({ sql: `select current_setting('threads') as n`, values: [] })).rows[0]!.n;
    await store.apply(seqd.slice(0, 4));
    expect(await threads()).toBe(2);
    await store.close();
  });

  it('keeps the newest employee record when an older snapshot is republished after the dedupe window', async () => {
    const store = new OlapStore(join(dir, 'hr.duckdb'));
    const hired = ev('employee_hired', { employeeId: 'e7', version: 1, department: 'Ops' });
    const moved = ev('employee_updated', { employeeId: 'e7', version: 2, department: 'Sales', changed: ['department'] });
    await store.apply([
      { seq: 1, event: hired },
      { seq: 2, event: moved },
    ]);
    await store.apply([{ seq: 3, event: hired }]); // the same old snapshot, a new stream sequence
    expect((await store.query(q.headcountByDepartment)).rows).toEqual([{ department: 'Sales', headcount: 1 }]);
    await store.close();
  });

  it('opens a file made before employees carried their version, and ranks its rows below every versioned snapshot', async () => {
    const file = join(dir, 'before-version.duckdb');
    const old = await DuckDBInstance.create(file);
    const conn = await old.connect();
    // employees as files had it before the version (olap/tables/facts.ts declares version as added later).
    await conn.run(`create table employees (employee_id varchar primary key, name varchar not null, department varchar not null, title varchar not null,
      salary bigint not null, currency varchar not null, status varchar not null, seq bigint not null)`);
    await conn.run(
      `insert into employees values ('e8', 'Old', 'Ops', 'T', 300000, 'EUR', 'active', 7), ('e9', 'Kept', 'Ops', 'T', 300000, 'EUR', 'active', 8)`,
    );
    conn.closeSync();
    old.closeSync();

    const store = new OlapStore(file);
    const staff = async () => (await store.query({ sql: 'select employee_id as id, department, version from employees order by 1', values: [] })).rows;
    expect(await staff()).toEqual([
      { id: 'e8', department: 'Ops', version: 0 },
      { id: 'e9', department: 'Ops', version: 0 },
    ]);
    // A versioned snapshot of e8 with a lower stream sequence still wins over the row without a version.
    await store.apply([{ seq: 1, event: ev('employee_hired', { employeeId: 'e8', version: 1, department: 'Sales' }) }]);
    expect(await staff()).toEqual([
      { id: 'e8', department: 'Sales', version: 1 },
      { id: 'e9', department: 'Ops', version: 0 },
    ]);
    await store.close();
  });
});

describe('answers kept between batches (olap/answer-cache.ts)', () => {
  it('answers again from what it read until the next batch, then reads the new figures', async () => {
    const store = new OlapStore(join(dir, 'kept.duckdb'));
    await store.apply([{ seq: 1, event: created('k1') }]);
    const first = await store.query(q.salesByHour(2, now));
    expect(first.rows.reduce((n, r) => n + (r.orders as number), 0)).toBe(1);
    // The same question before the next batch: the same answer, not read again.
    expect((await store.query(q.salesByHour(2, now))).rows).toBe(first.rows);
    // Asked fresh (a client's cache-control: no-cache), it is read again: the same figures, a new answer.
    const fresh = await store.query(q.salesByHour(2, now), { fresh: true });
    expect(fresh.rows).not.toBe(first.rows);
    expect(fresh.rows).toEqual(first.rows);
    await store.apply([{ seq: 2, event: created('k2') }]);
    const second = await store.query(q.salesByHour(2, now));
    expect(second.watermark.seq).toBe(2);
    expect(second.rows.reduce((n, r) => n + (r.orders as number), 0)).toBe(2);
    // A rule the SQL does not say (payroll's smallest group) is part of the question.
    expect((await store.query(q.payrollByDepartment(1))).rows).not.toBe((await store.query(q.payrollByDepartment(2))).rows);
    await store.close();
  });
});
