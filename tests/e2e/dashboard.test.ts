import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus } from '../../shared/events/bus.js';
import { startBox, type Box } from '../support/box.js';
import { discardBox } from '../support/discard-box.js';
import { launchChromium, results } from '../support/browser.js';
import { natsUrl } from '../support/nats.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { waitFor } from '../support/wait.js';

// The box as `npm start` runs it, the dashboard in Debian's headless Chromium: sign in through the
// dev issuer's code+PKCE flow, create an order through the API, watch the revenue panel change
// without a reload. Also measures payment -> projected `paid`, and the SSE delivery for it.
const root = join(import.meta.dirname, '..', '..');
let box: Box;
let db: TestDatabase;
let browser: Browser | undefined;

beforeAll(async () => {
  db = await createTestDatabase('dash');
  box = await startBox({ databaseUrl: db.url, natsUrl });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await discardBox(box, db);
});

async function seedShop() {
  const sku = `MUG-${Date.now().toString(36)}`;
  expect(
    (await box.api('/function/upsert-product', { role: 'admin', body: { sku, name: 'Blue mug', unitPrice: 1450, currency: 'EUR', taxRateBp: 2000 } })).status,
  ).toBe(200);
  expect((await box.api('/function/receive-stock', { role: 'clerk', body: { sku, quantity: 500, unitCost: 600 } })).status).toBe(200);
  const customer = await box.api('/function/upsert-customer', { role: 'clerk', body: { name: 'Café Nord', paymentTermsDays: 14 } });
  return { sku, customerId: customer.body.id as string };
}

/** Reads the live stream from Node, noting when each watermark arrives. */
async function listen(token: string) {
  const seen: { seq: number; at: number }[] = [];
  const abort = new AbortController();
  const res = await fetch(`${box.url}/function/project-to-olap/live`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  void (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body!) {
        buf += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (block.includes('event: watermark') && data) seen.push({ seq: (JSON.parse(data) as { seq: number }).seq, at: performance.now() });
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  return { seen, stop: () => abort.abort() };
}

describe('the live dashboard', () => {
  it('signs in with code+PKCE and redraws the revenue panel from the live stream, without a reload', async () => {
    const shop = await seedShop();
    mkdirSync(results, { recursive: true });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // A bookmarked screen survives the sign-in round trip.
    await page.goto(`${box.url}/#/dashboard`);
    await page.click('#signin');
    await page.waitForURL(/\/issuer\/protocol\/openid-connect\/auth/);
    await page.click('a.user[data-role="admin"]');
    await page.waitForSelector('#dashboard');
    expect(page.url()).toBe(`${box.url}/#/dashboard`); // the code left the address bar
    await page.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'live');
    await page.waitForFunction(() => (document.querySelector('#revenue-total') as HTMLElement | null)?.dataset.value !== '');
    const before = Number(await page.getAttribute('#revenue-total', 'data-value'));
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));

    const created = await box.api('/function/create-order', { role: 'clerk', body: { customerId: shop.customerId, lines: [{ sku: shop.sku, quantity: 3 }] } });
    expect(created.status).toBe(201);
    const t0 = performance.now();
    await page.waitForFunction((b) => Number((document.querySelector('#revenue-total') as HTMLElement).dataset.value) > b, before, { timeout: 10_000 });
    const panelMs = performance.now() - t0;
    expect(Number(await page.getAttribute('#revenue-total', 'data-value'))).toBe(before + created.body.total);
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');
    expect(await page.textContent('#panel-sales .fresh')).toMatch(/^as of event \d+, (up to date|[\d,]+ events? behind|applied [\d,]+ ms after it)$/);
    // Every panel has caught up with the event that moved the revenue (they refresh independently).
    await page.waitForFunction(() => {
      const seqs = [...document.querySelectorAll<HTMLElement>('.fresh')].map((e) => e.dataset.seq);
      return seqs.every((s) => s && s === seqs[0]);
    });
    // Once every panel shows the stream's last event, none says it is behind, however long ago that
    // event was (it said "4,207 ms behind": the time since the event, growing while nothing happened).
    // The feed tells the projector where the stream ends with every batch (streamSeq), so it says "up to date".
    const bus = await connectBus(natsUrl, 'dashboard-test-tail');
    const jsm = await jetstreamManager(bus.nc);
    const idle = await waitFor(
      async () => {
        const last = (await jsm.streams.info(box.stream)).state.last_seq;
        const shown = await page.$$eval('.fresh', (els) => els.map((e) => [(e as HTMLElement).dataset.seq, e.textContent] as const));
        return shown.every(([seq]) => Number(seq) === last) ? { last, labels: shown.map(([, text]) => text) } : undefined;
      },
      { timeoutMs: 15_000, what: "every panel at the stream's last event" },
    );
    await bus.nc.close();
    for (const label of idle.labels) expect(label).toBe(`as of event ${idle.last}, up to date`);

    // The margin panel: once the order is invoiced and shipped, this month's margin in its heading is the
    // projector's (revenue net of tax less the shipment's cost), with the order's net revenue in it.
    await expect.poll(() => page.getByRole('heading', { name: /margin/i }).count()).toBe(1);
    await waitFor(async () => (await box.api(`/function/query/invoices?orderId=${created.body.id}`, { role: 'accountant' })).body.items?.[0], {
      what: 'the invoice',
    });
    expect((await box.api('/function/fulfil-order', { role: 'clerk', body: { id: created.body.id } })).status).toBe(200);
    const month = new Date().toISOString().slice(0, 7);
    const shipped = await waitFor(
      async () => {
        const res = await box.api('/function/project-to-olap/query/gross_margin?months=1', { role: 'admin' });
        const rows = (res.body.rows as { month: string; sku: string; revenue: number; cogs: number; margin: number }[]).filter((r) => r.month === month);
        const mine = rows.find((r) => r.sku === shop.sku);
        // The shipment's cost as Postgres booked it (valueDelta: absent before movements carried it, so 0).
        const moved = await box.api(`/function/query/stock/${shop.sku}/movements`, { role: 'clerk' });
        const shipments = ((moved.body.items as { kind: string; valueDelta?: number }[] | undefined) ?? []).filter((m) => m.kind === 'shipment');
        const cogs = -shipments.reduce((n, m) => n + (m.valueDelta ?? 0), 0);
        if (!mine || mine.revenue !== created.body.subtotal || shipments.length !== 1 || mine.cogs !== cogs) return undefined;
        return { total: rows.reduce((n, r) => n + r.margin, 0), mine };
      },
      { timeoutMs: 15_000, what: 'the shipped order in gross_margin' },
    );
    await page.waitForFunction((v) => (document.querySelector('#margin-total') as HTMLElement | null)?.dataset.value === String(v), shipped.total, {
      timeout: 10_000,
    });
    expect(await page.textContent('#margin-total')).toMatch(/\d/);
    expect(shipped.mine.margin).toBe(created.body.subtotal - shipped.mine.cogs);
    await page.screenshot({ path: join(results, 'dashboard.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 }); // a phone
    await page.screenshot({ path: join(results, 'dashboard-phone.png'), fullPage: true });
    expect(problems).toEqual([]);
    console.log(`create-order -> revenue panel redrawn in the browser: ${panelMs.toFixed(0)} ms`);
  }, 120_000);

  // The 2 s objective (payment -> paid in OLAP) is measured by `npm run bench` on a quiet box; here, with
  // other suites and a browser sharing two cores, the test proves it happens and reports how fast.
  it('shows a paid order in the projection after the payment call, and streams an event for it', async () => {
    const shop = await seedShop();
    const admin = await box.token('admin');
    const live = await listen(admin);
    const runs: { call: number; paid: number; sse: number }[] = [];
    for (let i = 0; i < 6; i++) {
      const created = await box.api('/function/create-order', {
        role: 'clerk',
        body: { customerId: shop.customerId, lines: [{ sku: shop.sku, quantity: 2 }] },
      });
      const invoice = await waitFor(
        async () => (await box.api(`/function/query/invoices?orderId=${created.body.id}`, { role: 'accountant' })).body.items?.[0],
        { what: 'the invoice' },
      );
      const t0 = performance.now();
      const paid = await box.api('/function/record-payment', { role: 'accountant', body: { invoiceId: invoice.id, amount: invoice.total, method: 'card' } });
      const call = performance.now() - t0;
      expect(paid.status).toBe(201);
      const projected = await waitFor(
        async () => {
          const res = await box.api(`/function/project-to-olap/query/order?id=${created.body.id}`, { token: admin });
          return res.status === 200 && res.body.rows[0].status === 'paid' ? res.body : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 5, what: 'the projected order paid' },
      );
      const paidMs = performance.now() - t0;
      const sales = await box.api('/function/project-to-olap/query/sales_by_hour?hours=2', { token: admin });
      const hour = (projected.rows[0].createdAt as string).slice(0, 13);
      expect(sales.body.watermark.seq).toBeGreaterThanOrEqual(projected.watermark.seq);
      expect(sales.body.rows.find((r: { hour: string }) => r.hour.startsWith(hour))?.revenue).toBeGreaterThanOrEqual(created.body.total);
      const seq = projected.rows[0].lastSeq as number;
      const event = await waitFor(async () => live.seen.find((e) => e.seq >= seq), { timeoutMs: 10_000, what: `an SSE watermark >= ${seq}` });
      runs.push({ call, paid: paidMs, sse: event.at - t0 });
    }
    live.stop();
    const [cold, ...warm] = runs;
    const med = (k: 'call' | 'paid' | 'sse') =>
      [...warm]
        .map((r) => r[k])
        .sort((a, b) => a - b)
        [Math.floor(warm.length / 2)]!.toFixed(0);
    const max = (k: 'call' | 'paid' | 'sse') => Math.max(...warm.map((r) => r[k])).toFixed(0);
    console.log(
      `payment call -> projected order paid and in sales_by_hour: first (cold functions) ${cold!.paid.toFixed(0)} ms (call itself ${cold!.call.toFixed(0)} ms), ` +
        `then median ${med('paid')} ms, max ${max('paid')} ms over ${warm.length} (call median ${med('call')} ms); ` +
        `SSE watermark covering it: first ${cold!.sse.toFixed(0)} ms, median ${med('sse')} ms after the payment call`,
    );
  }, 90_000);

  it('rebuilds the OLAP store from the stream with the CLI while the box runs, with identical aggregates', async () => {
    const admin = await box.token('admin');
    const names = [
      'sales_by_hour',
      'ar_aging',
      'stock_levels',
      'order_funnel',
      'top_products',
      'headcount_by_department',
      'payroll_by_department',
      'gross_margin',
      'inventory_value',
      'purchase_spend',
      'stock_on_order',
    ];
    const snapshot = async () =>
      Object.fromEntries(await Promise.all(names.map(async (n) => [n, (await box.api(`/function/project-to-olap/query/${n}`, { token: admin })).body.rows])));
    const before = await snapshot();
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'bin', 'erpbi.mjs'), 'rebuild-olap'], {
      env: { ...process.env, ERPBI_DATA: box.dataDir },
    });
    // The CLI started it (202) and polled GET rebuild until done: the box's gateway serves both.
    const events = Number(/^rebuilt the OLAP store from (\d+) events/.exec(stdout)?.[1]);
    expect(events, stdout).toBeGreaterThan(0);
    expect((await box.api('/function/project-to-olap/rebuild', { token: admin })).body).toMatchObject({ state: 'done', events });
    expect(await snapshot()).toEqual(before);
    console.log(stdout.trim());
  }, 60_000);
});
