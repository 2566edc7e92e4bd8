import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { todayUtc } from '../../olap/aging.js';
import { rowSchemas, type QueryName } from '../../olap/catalogue.js';
import * as ref from '../../olap/catalogue/reference.js';
import { createHarness, type Harness } from '../support/harness.js';
import { allAggregates, buyingParams, caughtUp, feedProjector, lastSeq, projectorSeq } from '../support/olap.js';
import { buyingReference } from '../support/buying-reference.js';
import { replayStream } from '../../olap/replay.js';
import type { SeqEvent } from '../../olap/fold.js';
import { waitFor } from '../support/wait.js';
import { rebuildEnded } from '../support/olap-rebuild.js';
import { batchConsumerName } from '../../triggers/batch-feed.js';
import { driveMixedStream } from './olap-mixed-stream.js';

// The projector's aggregates against the truth in Postgres, after a mixed stream: orders, rejections,
// cancellations (before and after invoicing), partial and full payments, fulfilments, hires and moves;
// and buying and margin: goods in at a cost, a return restocked and credited, and purchase orders and
// receipts (published as events: last month and this, two currencies, one cancelled, one without an order),
// against the figures computed from the stream's events (tests/support/buying-reference.ts) and Postgres.
// The stream is driven by olap-mixed-stream.ts and olap-purchase-events.ts; who may read the answers,
// and which parameters are refused, is olap-access.test.ts's.

const dir = mkdtempSync(join(tmpdir(), 'erpbi-olap-it-'));
process.env.OLAP_FILE = join(dir, 'erpbi.duckdb');
let h: Harness;
let feed: Awaited<ReturnType<typeof feedProjector>>;
const day = (offset: number, from = Date.now()) => todayUtc(new Date(from + offset * 86_400_000));
// Today and later, plus the boundary days of one open invoice (set once the stream is driven).
let asOfDays = [0, 10, 20, 45, 75, 120].map((d) => day(d));

beforeAll(async () => {
  h = await createHarness('olap');
  feed = await feedProjector(h, { batchSize: 7 }); // small batches: many batch boundaries in one run
});
afterAll(async () => {
  await feed?.stop();
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every message of the stream, as the projector reads it. */
async function streamEvents(): Promise<SeqEvent[]> {
  const all: SeqEvent[] = [];
  await replayStream(h.bus.bus.js, h.bus.stream, async (batch) => void all.push(...batch));
  return all;
}

/** The facts as Postgres holds them now, for the catalogue's reference (olap/catalogue/reference.ts). */
async function facts(): Promise<ref.Facts> {
  const q = <T>(sql: string) => h.db.pool.query<T & Record<string, unknown>>(sql).then((r) => r.rows);
  const orders = await q<ref.OrderFact & { createdAt: Date }>(`
    select o.status, o.currency, o.total::int as total, o.created_at as "createdAt",
      coalesce((select json_agg(json_build_object('sku', l.sku, 'name', l.name, 'quantity', l.quantity, 'net', l.net) order by l.line_no)
                from orders.order_lines l where l.order_id = o.id), '[]') as lines
    from orders.orders o`);
  const invoices = await q<ref.InvoiceFact>(`
    select to_char(issue_date, 'YYYY-MM-DD') as "issueDate", to_char(due_date, 'YYYY-MM-DD') as "dueDate", currency,
      (total - amount_paid - credited)::int as balance from billing.invoices`);
  const products = await q<{ sku: string; name: string }>('select sku, name from inventory.products');
  const employees = await q<ref.EmployeeFact>('select department, status, salary::int as salary, currency from hr.employees');
  return {
    orders: orders.map((o) => ({ ...o, createdAt: o.createdAt.toISOString() })),
    invoices,
    productNames: new Map(products.map((p) => [p.sku, p.name])),
    employees,
  };
}

async function truth() {
  const q = <T>(sql: string) => h.db.pool.query<T & Record<string, unknown>>(sql).then((r) => r.rows);
  const stock = await q(`select sku, name, on_hand as "onHand", reserved, available from inventory.stock_view order by sku`);
  const orders = await q<{ id: string }>(
    `select id, status, total, amount_paid as "amountPaid", invoice_id as "invoiceId", customer_id as "customerId" from orders.orders`,
  );
  return { stock, orders };
}

describe('the OLAP projection against Postgres', () => {
  let before: Record<string, unknown>;

  it('matches every aggregate after a mixed stream', async () => {
    const ids = await driveMixedStream(h);
    const seq = await caughtUp(h);
    const f = await facts();
    // The boundary days of the oldest open euro invoice: 30/31 and 90/91 days past due, and the day before it was issued.
    const open = f.invoices.filter((i) => i.balance > 0 && i.currency === 'EUR').sort((x, y) => x.dueDate.localeCompare(y.dueDate))[0]!;
    const due = Date.parse(`${open.dueDate}T00:00:00Z`);
    const edges = [30, 31, 90, 91].map((d) => day(d, due));
    asOfDays = [...asOfDays, ...edges, day(-1, Date.parse(`${f.invoices.map((i) => i.issueDate).sort()[0]}T00:00:00Z`))];
    const asked = new Date();
    const got = await allAggregates(h, asOfDays);
    const answered = new Date();
    const t = await truth();
    // Every answer holds to its row schema in the catalogue.
    for (const [key, rows] of Object.entries(got)) for (const r of rows as unknown[]) rowSchemas[key.split('@')[0] as QueryName].parse(r);
    const statuses = new Set(f.orders.map((o) => o.status));
    expect(statuses.has('rejected') && statuses.has('cancelled') && statuses.has('partially_paid') && statuses.has('paid') && statuses.has('fulfilled')).toBe(
      true,
    );
    expect(new Set(f.orders.map((o) => o.currency))).toEqual(new Set(['EUR', 'USD']));

    // The catalogue's definitions over the facts (the hour may turn between the answer and now: either side of it).
    expect([ref.salesByHour(f, { hours: 48 }, asked), ref.salesByHour(f, { hours: 48 }, answered)]).toContainEqual(got.sales_by_hour);
    expect((got.sales_by_hour as { orders: number }[]).filter((r) => r.orders === 0).length, 'empty hours listed as zeros').toBeGreaterThan(0);
    expect(got.stock_levels).toEqual(t.stock);
    expect(got.order_funnel).toEqual(ref.orderFunnel(f));
    expect(got.top_products).toEqual(ref.topProducts(f, { limit: 100 }));
    expect((got.top_products as { name: string }[]).map((r) => r.name)).toContain('Renamed after it sold');
    expect(got.headcount_by_department).toEqual(ref.headcountByDepartment(f));
    expect(got.payroll_by_department).toEqual(ref.payrollByDepartment(f, 3));
    // Eli is Sales' only one left: her pay goes into one row with Engineering's 3 (the smallest other), never alone.
    expect(got.payroll_by_department).toEqual([
      { department: null, currency: 'EUR', headcount: 4, monthlySalary: 550000 + 480000 + 360000 + 330000, departments: 2 },
    ]);
    expect((got.headcount_by_department as unknown[]).length).toBe(2);
    const buckets = new Set<string>();
    for (const d of asOfDays) {
      expect(got[`ar_aging@${d}`], `ar_aging as of ${d}`).toEqual(ref.arAging(f, { asOf: d }));
      for (const r of got[`ar_aging@${d}`] as { bucket: string; invoices: number }[]) if (r.invoices > 0) buckets.add(r.bucket);
    }
    expect([...buckets].sort()).toEqual(['1-30', '31-60', '61-90', '91+', 'current']);
    // The boundary days put the invoice where the buckets' names say, and before any issue date nothing is receivable.
    const bucketOf = (d: string) =>
      (got[`ar_aging@${d}`] as { bucket: string; currency: string; invoices: number }[])
        .filter((r) => r.currency === 'EUR' && r.invoices > 0)
        .map((r) => r.bucket);
    expect(bucketOf(edges[0]!)).toContain('1-30');
    expect(bucketOf(edges[1]!)).toContain('31-60');
    expect(bucketOf(edges[2]!)).toContain('61-90');
    expect(bucketOf(edges[3]!)).toContain('91+');
    expect(got[`ar_aging@${asOfDays.at(-1)}`]).toEqual([]);
    // Cancelled after invoicing and credited in full: in no revenue and no receivable.
    const cancelled = f.orders.filter((o) => o.status === 'cancelled');
    expect(cancelled.length).toBeGreaterThan(1);
    for (const o of t.orders) {
      const res = await h.get('project-to-olap', `/query/order?id=${o.id}`, { role: 'clerk' });
      expect(res.status).toBe(200);
      expect(res.body.rows[0]).toMatchObject(o);
    }

    // Buying and margin: as computed from the stream's events, and against Postgres where it keeps the same figure.
    const now = new Date();
    const want = buyingReference(await streamEvents(), now, buyingParams);
    for (const name of ['gross_margin', 'inventory_value', 'purchase_spend', 'stock_on_order'] as const) expect(got[name], name).toEqual(want[name]);
    const month = now.toISOString().slice(0, 7);
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15)).toISOString().slice(0, 7);
    type Margin = { month: string; currency: string; revenue: number; cogs: number; margin: number; marginPercent: number | null };
    const margin = (got.gross_margin as Margin[]).filter((r) => r.month === month);
    const [billed] = await h.db.pool
      .query<{ revenue: string; cogs: string }>(
        `
      select (select coalesce(sum(subtotal), 0) from billing.invoices where to_char(issue_date, 'YYYY-MM') = $1)
           - (select coalesce(sum(subtotal), 0) from billing.credit_notes where to_char(issued_at at time zone 'UTC', 'YYYY-MM') = $1) as revenue,
             (select coalesce(-sum(value_delta), 0) from inventory.stock_movements where kind in ('shipment', 'return')) as cogs`,
        [month],
      )
      .then((r) => r.rows);
    expect(margin.reduce((n, r) => n + r.revenue, 0)).toBe(Number(billed!.revenue));
    expect(margin.reduce((n, r) => n + r.cogs, 0)).toBe(Number(billed!.cogs));
    for (const r of margin) expect(r.margin).toBe(r.revenue - r.cogs);
    const valued = await h.db.pool.query<{ currency: string; value: string }>(
      'select p.currency, sum(s.value)::bigint as value from inventory.stock_levels s join inventory.products p using (sku) group by 1 order by 1',
    );
    expect(
      (got.inventory_value as { day: string; currency: string; value: number }[])
        .filter((r) => r.day === now.toISOString().slice(0, 10))
        .map((r) => [r.currency, r.value]),
    ).toEqual(valued.rows.map((r) => [r.currency, Number(r.value)]));
    type Spend = { month: string; supplierName: string; currency: string; value: number };
    const spend = got.purchase_spend as Spend[];
    expect(spend.filter((r) => r.supplierName === 'Bohnen AG').map((r) => [r.month, r.value])).toEqual([
      [lastMonth, 3250],
      [month, 3250 + 1000 + 700 + 300],
    ]);
    expect(spend.find((r) => r.currency === 'USD')).toMatchObject({ supplierName: 'without purchase order', value: 600 });
    type OnOrder = { sku: string; currency: string; onOrder: number; value: number };
    const onOrder = got.stock_on_order as OnOrder[];
    // po1's first line is half in and its second all in; po2 is all in; po3 was cancelled; po4 awaits everything.
    expect(onOrder.map((r) => [r.currency, r.onOrder, r.value]).sort()).toEqual([
      ['EUR', 10, 6500],
      ['USD', 4, 1000],
    ]);
    expect(ids.length).toBeGreaterThan(10);
    expect(seq).toBeGreaterThan(100);
    before = got;
  });

  it('changes nothing when batches are redelivered or the whole stream is replayed', async () => {
    const seq = await lastSeq(h);
    // Redelivery: the feed's consumer is dropped and recreated, so the server hands out everything again.
    await feed.stop();
    const jsm = await jetstreamManager(h.bus.bus.nc);
    await jsm.consumers.delete(h.bus.stream, batchConsumerName('project-to-olap'));
    const posted = feed.posted.length;
    feed = await feedProjector(h, { batchSize: 50 });
    await waitFor(async () => feed.posted.reduce((n, p) => n + p.size, 0) >= seq, { what: 'the whole stream delivered again' });
    expect(feed.posted.every((p) => p.status === 200)).toBe(true);
    expect(posted).toBeGreaterThan(0);
    // A replayed batch by hand, overlapping what was applied.
    const token = await h.keys.token('service');
    const again = await h.call('project-to-olap', '/batch', {
      token,
      body: {
        events: [
          { seq: 1, event: { not: 'an envelope' } },
          { seq, event: null },
        ],
      },
    });
    expect(again.body).toMatchObject({ applied: 0, skipped: 2 });
    expect(await projectorSeq(h)).toBe(seq);
    expect(await allAggregates(h, asOfDays)).toEqual(before);
  });

  it('rebuilds identical aggregates from the stream', async () => {
    const seq = await lastSeq(h);
    const res = await h.call('project-to-olap', '/rebuild', { role: 'admin', rawBody: '', headers: { 'content-type': 'text/plain' } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ state: 'running', events: 0 });
    expect(await rebuildEnded(() => h.get('project-to-olap', '/rebuild', { role: 'admin' }))).toMatchObject({ state: 'done', events: seq, watermark: { seq } });
    expect(await allAggregates(h, asOfDays)).toEqual(before);
  });
});
