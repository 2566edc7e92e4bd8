import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionDefinition } from '../../shared/http/definition.js';
import { buildApp } from '../../shared/http/app.js';
import { startBatchFeed } from '../../triggers/batch-feed.js';
import { createHarness, type Harness } from '../support/harness.js';
import { seed } from '../support/fixtures.js';
import { lastSeq } from '../support/olap.js';
import { waitFor } from '../support/wait.js';
import { rebuildEnded } from '../support/olap-rebuild.js';

// The projector's order_timeline and its live `changes` events, end to end: commands and reactions on
// real Postgres, their events through real JetStream and the connector's batch feed, into a projector
// listening on a real port (Server-Sent Events need a real socket), read over HTTP like the page does.

const dir = mkdtempSync(join(tmpdir(), 'erpbi-timeline-it-'));
process.env.OLAP_FILE = join(dir, 'unused.duckdb'); // the harness's own projector: never used here
process.env.OLAP_LIVE_STREAMS_PER_USER = '3';
const log = pino({ level: 'silent' });
let h: Harness;
let app: FastifyInstance;
let base: string;
let stopFeed: (() => Promise<void>) | undefined;
let live: Live | undefined;

interface Sent {
  event: string;
  data: any;
}
interface Live {
  sent: Sent[];
  close: () => void;
}

async function token(role: 'admin' | 'clerk' | 'service') {
  return h.keys.token(role);
}

async function http(path: string, role: 'admin' | 'clerk' | 'service' | null, init: RequestInit = {}) {
  const headers: Record<string, string> = {
    ...(init.body ? { 'content-type': 'application/json' } : {}),
    ...(role ? { authorization: `Bearer ${await token(role)}` } : {}),
  };
  const res = await fetch(`${base}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Opens the live stream as the page does: a ticket for the token, then EventSource's GET with `?ticket=`. */
async function openLive(bearer?: string): Promise<Live & { ended: Promise<void> }> {
  const auth = { authorization: `Bearer ${bearer ?? (await token('clerk'))}` };
  const issued = await fetch(`${base}/live/ticket`, { method: 'POST', headers: auth });
  expect(issued.status).toBe(200);
  const { ticket } = (await issued.json()) as { ticket: string };
  const opened = await openStream(`/live?ticket=${ticket}`);
  expect(opened.status).toBe(200);
  return opened;
}

/** A GET of the stream that collects what it sends; `ended` resolves when the server ends it. */
async function openStream(path: string, headers: Record<string, string> = {}): Promise<Live & { status: number; ended: Promise<void> }> {
  const ctrl = new AbortController();
  const res = await fetch(`${base}${path}`, { signal: ctrl.signal, headers });
  const sent: Sent[] = [];
  if (res.status !== 200) return { status: res.status, sent, ended: Promise.resolve(), close: () => ctrl.abort() };
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end).split('\n');
          buffer = buffer.slice(end + 2);
          const event = block.find((l) => l.startsWith('event: '))?.slice(7);
          const data = block.find((l) => l.startsWith('data: '))?.slice(6);
          if (event && data) sent.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  return { status: res.status, sent, ended, close: () => ctrl.abort() };
}

const ofKind = (l: Live, event: string) => l.sent.filter((s) => s.event === event).map((s) => s.data);

async function caughtUp() {
  const target = await lastSeq(h);
  await waitFor(async () => ofKind(live!, 'watermark').some((w) => w.seq >= target), { what: `live watermark ${target}` });
  return target;
}

async function outboxEvents() {
  const { rows } = await h.db.pool.query<{ payload: any }>('select payload from platform.outbox order by created_at, id');
  return rows.map((r) => r.payload);
}

beforeAll(async () => {
  h = await createHarness('timeline');
  process.env.OLAP_FILE = join(dir, 'projector.duckdb');
  const { default: projector } = (await import('../../functions/project-to-olap/handler.js')) as { default: FunctionDefinition };
  app = buildApp(projector, { deps: { db: h.db.pool, js: h.bus.bus.js, prefix: h.bus.prefix, stream: h.bus.stream, log }, verify: h.keys.verifier });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  const service = await token('service');
  stopFeed = await startBatchFeed({
    bus: h.bus.bus,
    stream: h.bus.stream,
    subject: `${h.bus.prefix}.>`,
    fn: 'project-to-olap',
    batchSize: 5, // several batches per order flow
    log,
    post: async (body) => {
      const res = await fetch(`${base}/batch`, { method: 'POST', headers: { authorization: `Bearer ${service}`, 'content-type': 'application/json' }, body });
      return { status: res.status, detail: await res.text() };
    },
  });
  live = await openLive();
  await waitFor(async () => ofKind(live!, 'watermark').length > 0, { what: 'the watermark on connect' });
});

afterAll(async () => {
  live?.close();
  await stopFeed?.();
  await app?.close();
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('order_timeline and live changes, through JetStream and the batch feed', () => {
  let orderId = '';
  let timeline: any[] = [];

  it('keeps the order events as published, in stream order, each reaction caused by the event before it', async () => {
    const { sku, customerId } = await seed(h, { stock: 10, unitPrice: 1000, taxRateBp: 2000 });
    const created = await h.post('create-order', { customerId, lines: [{ sku, quantity: 2 }] }, { role: 'clerk' });
    expect(created.status).toBe(201);
    orderId = created.body.id;
    await h.settle();
    const invoice = (await h.get('query', `/invoices?orderId=${orderId}`, { role: 'accountant' })).body.items[0];
    expect((await h.post('record-payment', { invoiceId: invoice.id, amount: invoice.total, method: 'card' }, { role: 'accountant' })).status).toBe(201);
    await h.settle();
    await caughtUp();

    const res = await http(`/query/order_timeline?id=${orderId}`, 'clerk');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ name: 'order_timeline', watermark: { seq: expect.any(Number) } });
    timeline = res.body.rows;

    // Exactly the events naming the order, each as published.
    const published = (await outboxEvents()).filter((e) => e.data.orderId === orderId || (e.aggregateType === 'order' && e.aggregateId === orderId));
    expect(timeline.map((r) => r.id).sort()).toEqual(published.map((e) => e.id).sort());
    for (const row of timeline) {
      const e = published.find((p) => p.id === row.id);
      expect(row).toEqual({
        seq: row.seq,
        id: e.id,
        type: e.type,
        occurredAt: e.occurredAt,
        actor: e.actor,
        causationId: e.causationId,
        correlationId: e.correlationId,
        data: e.data,
      });
    }
    const seqs = timeline.map((r) => r.seq as number);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(seqs.length);

    const one = (type: string, to?: string) => {
      const found = timeline.filter((r) => r.type === type && (to === undefined || r.data.to === to));
      expect(found, `${type} ${to ?? ''}`).toHaveLength(1);
      return found[0];
    };
    const orderCreated = one('order_created');
    const stockReserved = one('stock_reserved');
    const statusReserved = one('order_status_changed', 'reserved');
    const invoiceCreated = one('invoice_created');
    const statusInvoiced = one('order_status_changed', 'invoiced');
    const payment = one('payment_received');
    const statusPaid = one('order_status_changed', 'paid');
    expect(orderCreated).toMatchObject({ causationId: null, data: { orderId, customerId, total: 2400 } });
    expect(stockReserved.causationId).toBe(orderCreated.id);
    expect(statusReserved.causationId).toBe(stockReserved.id);
    expect(invoiceCreated.causationId).toBe(stockReserved.id);
    expect(statusInvoiced.causationId).toBe(invoiceCreated.id);
    expect(payment).toMatchObject({ causationId: null, data: { invoiceId: invoice.id, amount: 2400, invoiceStatus: 'paid' } }); // a command: no cause
    expect(statusPaid.causationId).toBe(payment.id);
    for (const [cause, effect] of [
      [orderCreated, stockReserved],
      [stockReserved, statusReserved],
      [stockReserved, invoiceCreated],
      [invoiceCreated, statusInvoiced],
      [payment, statusPaid],
    ]) {
      expect(effect.seq).toBeGreaterThan(cause.seq);
    }
    expect(new Set([orderCreated, stockReserved, statusReserved, invoiceCreated].map((r) => r.correlationId)).size).toBe(1);
    expect(timeline.map((r) => r.type)).toContain('stock_changed'); // the reservation's movement names the order too

    const unknown = await http('/query/order_timeline?id=no-such-order', 'clerk');
    expect(unknown).toMatchObject({ status: 200, body: { name: 'order_timeline', rows: [] } });
    for (const bad of ['', '?id=', `?id=${'x'.repeat(101)}`, `?id=${orderId}&limit=5`]) {
      expect((await http(`/query/order_timeline${bad}`, 'clerk')).status, bad).toBe(400);
    }
    expect((await http(`/query/order_timeline?id=${orderId}`, null)).status).toBe(401);
  });

  it('sends `changes` after each applied batch, after its watermark, never for a skipped one', async () => {
    const changes = ofKind(live!, 'changes');
    const marks = ofKind(live!, 'watermark');
    expect(changes.length).toBeGreaterThan(1);
    // The watermark event keeps its shape; every changes event follows the watermark of its batch.
    for (const w of marks) expect(Object.keys(w).sort()).toEqual(['appliedAt', 'eventTime', 'seq', 'streamSeq']);
    for (const [n, s] of live!.sent.entries()) {
      if (s.event === 'changes') expect(live!.sent[n - 1]).toEqual({ event: 'watermark', data: expect.objectContaining({ seq: s.data.seq }) });
    }
    for (const c of changes) expect(Object.keys(c).sort()).toEqual(['customers', 'employees', 'invoices', 'more', 'orders', 'seq', 'skus', 'types']);

    const union = (key: string) => new Set(changes.flatMap((c) => c[key] as string[]));
    const invoiceId = timeline.find((r) => r.type === 'invoice_created').data.invoiceId;
    const created = timeline.find((r) => r.type === 'order_created').data;
    expect(union('orders').has(orderId)).toBe(true);
    expect(union('invoices').has(invoiceId)).toBe(true);
    expect(union('skus').has(created.lines[0].sku)).toBe(true);
    expect(union('customers').has(created.customerId)).toBe(true);
    expect(union('types')).toEqual(
      new Set([
        'product_upserted',
        'stock_changed',
        'customer_upserted',
        'order_created',
        'stock_reserved',
        'order_status_changed',
        'invoice_created',
        'payment_received',
        'invoice_paid',
      ]),
    );
    expect(changes.every((c) => c.more === false)).toBe(true);

    // A redelivered batch is skipped whole: no changes event for it. The next applied batch's is the next one sent.
    const before = ofKind(live!, 'changes').length;
    const seqBefore = await caughtUp();
    const firstEvent = (await outboxEvents())[0];
    const again = await http('/batch', 'service', { method: 'POST', body: JSON.stringify({ events: [{ seq: 1, event: firstEvent }] }) });
    expect(again.body).toMatchObject({ applied: 0, skipped: 1 });
    const hired = await h.post(
      'hire-employee',
      { name: 'Late Hire', email: `late.${Date.now()}@example.com`, department: 'Ops', title: 'T', salary: 1, currency: 'EUR' },
      { role: 'admin' },
    );
    expect(hired.status).toBe(201);
    await waitFor(async () => ofKind(live!, 'changes').length > before, { what: 'the next changes event' });
    const next = ofKind(live!, 'changes')[before];
    expect(next).toEqual({
      seq: seqBefore + 1,
      types: ['employee_hired'],
      orders: [],
      invoices: [],
      skus: [],
      customers: [],
      employees: [hired.body.id],
      more: false,
    });
  });

  it('rebuilds the same timeline from the stream', async () => {
    const seq = await caughtUp();
    const res = await http('/rebuild', 'admin', { method: 'POST' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(await rebuildEnded(() => http('/rebuild', 'admin'))).toMatchObject({ state: 'done', watermark: { seq } });
    const again = await http(`/query/order_timeline?id=${orderId}`, 'clerk');
    expect(again.body.rows).toEqual(timeline);
  });
});

describe('who may hold the live stream, and for how long', () => {
  it('opens with a ticket once; a token in the URL is not taken', async () => {
    const res = await fetch(`${base}/live/ticket`, { method: 'POST', headers: { authorization: `Bearer ${await token('clerk')}` } });
    const { ticket, expiresAt } = (await res.json()) as { ticket: string; expiresAt: string };
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(30_000);
    const first = await openStream(`/live?ticket=${ticket}`);
    expect(first.status).toBe(200);
    first.close();
    expect((await openStream(`/live?ticket=${ticket}`)).status).toBe(401); // used
    expect((await openStream(`/live?access_token=${await token('clerk')}`)).status).toBe(400);
    expect((await fetch(`${base}/live/ticket`, { method: 'POST' })).status).toBe(401);
    const noRole = await h.keys.sign({ roles: [], sub: 'nobody' });
    expect((await fetch(`${base}/live/ticket`, { method: 'POST', headers: { authorization: `Bearer ${noRole}` } })).status).toBe(403);
  });

  it('ends the stream when the token expires', async () => {
    const shortLived = await h.keys.sign({ roles: ['clerk'], sub: 'short', exp: Math.floor(Date.now() / 1000) + 3 });
    const stream = await openLive(shortLived);
    let ended = false;
    void stream.ended.then(() => (ended = true));
    await waitFor(async () => ended, { timeoutMs: 15_000, what: "the stream to end at the token's expiry" });
    expect(stream.sent[0]?.event).toBe('watermark');
  });

  it('lets one user hold OLAP_LIVE_STREAMS_PER_USER streams, and no more', async () => {
    const bearer = await h.keys.sign({ roles: ['clerk'], sub: 'many-tabs' });
    const tabs = [await openLive(bearer), await openLive(bearer), await openLive(bearer)];
    const fourth = await openStream('/live', { authorization: `Bearer ${bearer}` });
    expect(fourth.status).toBe(429);
    expect((await openStream('/live', { authorization: `Bearer ${await h.keys.sign({ roles: ['clerk'], sub: 'someone-else' })}` })).status).toBe(200);
    tabs[0]!.close();
    await waitFor(async () => (await openStream('/live', { authorization: `Bearer ${bearer}` })).status === 200, {
      timeoutMs: 5000,
      what: 'a slot after a tab closed',
    });
  });
});
