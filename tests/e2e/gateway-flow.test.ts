import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus } from '../../shared/events/bus.js';
import { startBox, type Box } from '../support/box.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { natsUrl } from '../support/nats.js';
import { waitFor } from '../support/wait.js';

// The headline flow through the gateway only, against the built bundles run by the runtime,
// with real Postgres and JetStream. Tokens come from the `erpbi token` CLI, as a user gets them.
const root = join(import.meta.dirname, '..', '..');
let box: Box;
let db: TestDatabase;
const tokens: Record<string, string> = {};

async function cliToken(role: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'bin', 'erpbi.mjs'), 'token', '--role', role], {
    env: { ...process.env, ERPBI_DATA: box.dataDir },
  });
  return stdout.trim();
}

beforeAll(async () => {
  db = await createTestDatabase('e2e');
  box = await startBox({ databaseUrl: db.url, natsUrl });
  for (const role of ['admin', 'clerk', 'accountant']) tokens[role] = await cliToken(role);
});
afterAll(async () => {
  expect(await box?.stop()).toBe(0);
  expect(box.output()).toContain('stopped.');
  box?.remove();
  await db?.drop();
});

const as = (role: string) => ({ token: tokens[role]! });
// A reaction that does not happen in time is explained by the logs of the processes in its path.
const reactionLogs = () =>
  `\n${box.output()}\n${box.logTail(['connector', 'reserve-stock', 'create-invoice', 'render-document', 'object-storage', 'gateway'])}`;
const orderStatus = async (id: string) => (await box.api(`/function/query/orders/${id}`, as('clerk'))).body.status as string;

describe('order to cash through the gateway', () => {
  it('answers /healthz and refuses a missing token or a wrong role', async () => {
    expect((await fetch(`${box.url}/healthz`)).status).toBe(200);
    const noToken = await box.api('/function/create-order', { token: null, body: { customerId: 'x', lines: [{ sku: 'A', quantity: 1 }] } });
    expect(noToken.status).toBe(401);
    expect(noToken.body.error.code).toBe('unauthenticated');
    const clerkPays = await box.api('/function/record-payment', { ...as('clerk'), body: { invoiceId: 'x', amount: 1, method: 'card' } });
    expect(clerkPays.status).toBe(403);
    expect(clerkPays.body.error.code).toBe('forbidden');
  });

  // The 2 s objective (order -> invoiced, payment -> paid) is measured by `npm run bench` on a quiet box
  // (BENCHMARKS.md); here it is reported, and the flow must complete within a deadline: a timed
  // assertion failed whenever the machine was busy with something else.
  it('order of 3 -> invoiced with an INV number -> paid after the payment (times reported)', async () => {
    expect(
      (await box.api('/function/upsert-product', { ...as('admin'), body: { sku: 'MUG', name: 'Mug', unitPrice: 1250, currency: 'EUR', taxRateBp: 2000 } }))
        .status,
    ).toBe(200);
    expect((await box.api('/function/receive-stock', { ...as('clerk'), body: { sku: 'MUG', quantity: 10 } })).body).toMatchObject({
      onHand: 10,
      available: 10,
    });
    expect((await box.api('/function/upsert-customer', { ...as('clerk'), body: { id: 'acme', name: 'Acme Ltd', paymentTermsDays: 30 } })).status).toBe(200);

    const t0 = Date.now();
    const created = await box.api('/function/create-order', { ...as('clerk'), body: { customerId: 'acme', lines: [{ sku: 'MUG', quantity: 3 }] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', subtotal: 3750, tax: 750, total: 4500, currency: 'EUR' });
    await waitFor(async () => (await orderStatus(created.body.id)) === 'invoiced', { timeoutMs: 15_000, what: () => `order invoiced${reactionLogs()}` });
    const invoicedMs = Date.now() - t0;
    const invoices = await box.api(`/function/query/invoices?orderId=${created.body.id}`, as('accountant'));
    const invoice = invoices.body.items[0];
    expect(invoice.number).toMatch(/^INV-\d{4}-\d{6}$/);
    expect(invoice).toMatchObject({ total: 4500, balance: 4500, status: 'open' });
    // Its PDF, rendered by render-document into the box's own object storage, through the gateway.
    const pdf = await waitFor(
      async () => {
        const res = await fetch(`${box.url}/function/query/invoices/${invoice.id}/pdf`, { headers: { authorization: `Bearer ${tokens.clerk}` } });
        return res.status === 200 ? { type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) } : undefined;
      },
      { timeoutMs: 15_000, what: () => `the invoice's PDF${reactionLogs()}` },
    );
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');

    const t1 = Date.now();
    const paid = await box.api('/function/record-payment', {
      ...as('accountant'),
      headers: { 'idempotency-key': `pay-${created.body.id}` },
      body: { invoiceId: invoice.id, amount: 4500, method: 'bank_transfer' },
    });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ invoiceStatus: 'paid', balance: 0 });
    await waitFor(async () => (await orderStatus(created.body.id)) === 'paid', { timeoutMs: 15_000, what: () => `order paid${reactionLogs()}` });
    console.log(`e2e: created -> invoiced ${invoicedMs} ms; payment -> order paid ${Date.now() - t1} ms`);
  });

  it('20 concurrent one-unit orders against 5 in stock: exactly 5 reserved, 15 rejected, available 0', async () => {
    await box.api('/function/upsert-product', { ...as('admin'), body: { sku: 'RARE', name: 'Rare thing', unitPrice: 999, currency: 'EUR' } });
    await box.api('/function/receive-stock', { ...as('clerk'), body: { sku: 'RARE', quantity: 5 } });
    const orders = await Promise.all(
      Array.from({ length: 20 }, () =>
        box.api('/function/create-order', { ...as('clerk'), body: { customerId: 'acme', lines: [{ sku: 'RARE', quantity: 1 }] } }),
      ),
    );
    expect(orders.every((o) => o.status === 201)).toBe(true);
    const ids = orders.map((o) => o.body.id as string);
    const final = await waitFor(
      async () => {
        const statuses = await Promise.all(ids.map(orderStatus));
        return statuses.every((s) => s === 'invoiced' || s === 'rejected') ? statuses : undefined;
      },
      { timeoutMs: 10_000, what: () => `every order invoiced or rejected${reactionLogs()}` },
    );
    expect(final.filter((s) => s === 'invoiced')).toHaveLength(5);
    expect(final.filter((s) => s === 'rejected')).toHaveLength(15);
    const stock = await box.api('/function/query/stock', as('clerk'));
    expect(stock.body.items.find((s: { sku: string }) => s.sku === 'RARE')).toMatchObject({ onHand: 5, reserved: 5, available: 0 });
    const never = await db.pool.query('select count(*)::int as n from inventory.stock_levels where on_hand - reserved < 0');
    expect(never.rows[0].n).toBe(0);

    // Invoice numbers of the year are consecutive from 1 with no gap.
    const numbers = (await db.pool.query<{ number: string }>('select number from billing.invoices order by number')).rows.map((r) =>
      Number(r.number.slice(-6)),
    );
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
    expect(numbers).toHaveLength(6);
  });

  it('a bad order is a 4xx with the error shape, and no order is created', async () => {
    const before = (await db.pool.query('select count(*)::int as n from orders.orders')).rows[0].n;
    const bad = [
      { customerId: 'acme', lines: [{ sku: 'MUG', quantity: 0 }] },
      { customerId: 'acme', lines: [{ sku: 'MUG', quantity: -2 }] },
      { customerId: 'acme', lines: [{ sku: 'MUG', quantity: '3' }] },
      { customerId: 'acme', lines: [] },
      { customerId: 'nobody', lines: [{ sku: 'MUG', quantity: 1 }] },
      { customerId: 'acme', lines: [{ sku: 'NOPE', quantity: 1 }] },
      { customerId: 'acme', lines: [{ sku: 'MUG', quantity: 1 }], extra: true },
      'not json{',
      { customerId: 'acme', lines: Array.from({ length: 5000 }, () => ({ sku: 'MUG', quantity: 1 })) },
    ];
    for (const body of bad) {
      const res = await box.api('/function/create-order', { ...as('clerk'), body });
      expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
      expect(res.status, `${JSON.stringify(res.body)}\n${box.output()}\n${box.logTail(['create-order', 'gateway'], 15)}`).toBeLessThan(500);
      expect(res.body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
    }
    expect((await db.pool.query('select count(*)::int as n from orders.orders')).rows[0].n).toBe(before);
  });

  // A body over the function's limit is refused before it is read; the answer was a 502 instead of
  // the 413 about one run in ten (issue 21), so one try says little: 50 in a row, each a 413.
  it('a body over the limit is a 413 body_too_large, 50 times in a row, never a 502', async () => {
    const huge = JSON.stringify({ customerId: 'acme', lines: Array.from({ length: 5000 }, () => ({ sku: 'MUG', quantity: 1 })) });
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await box.api('/function/create-order', { ...as('clerk'), body: huge });
      statuses.push(res.status);
      if (res.status === 413) expect(res.body.error.code).toBe('body_too_large');
    }
    const count = (s: number) => statuses.filter((x) => x === s).length;
    expect({ '413': count(413), other: statuses.filter((s) => s !== 413) }, `${box.logTail(['create-order', 'gateway'], 15)}`).toEqual({
      '413': 50,
      other: [],
    });
  });

  // Under the limit, the function itself refuses a body it never reads: no token (401) or the wrong
  // role (403) is known from the headers. Its answer is passed through, not a 502, 50 times each.
  it("a large body the function refuses unread (401, 403) gets the function's answer, 50 times in a row", async () => {
    const large = JSON.stringify({ customerId: 'acme', lines: Array.from({ length: 3500 }, () => ({ sku: 'MUG', quantity: 1 })) });
    expect(large.length).toBeGreaterThan(64 * 1024); // more than a socket takes in one write
    expect(large.length).toBeLessThan(100 * 1024);
    const statuses: Record<string, number[]> = { noToken: [], wrongRole: [] };
    for (let i = 0; i < 50; i++) {
      statuses.noToken!.push((await box.api('/function/create-order', { token: null, body: large })).status);
      statuses.wrongRole!.push((await box.api('/function/record-payment', { ...as('clerk'), body: large })).status);
    }
    const other = (xs: number[], want: number) => xs.filter((s) => s !== want);
    expect(
      { noToken: other(statuses.noToken!, 401), wrongRole: other(statuses.wrongRole!, 403) },
      box.logTail(['create-order', 'record-payment', 'gateway'], 15),
    ).toEqual({ noToken: [], wrongRole: [] });
  });

  it('dead-letters a poison event with the reason instead of retrying it for ever', async () => {
    const bus = await connectBus(natsUrl, 'e2e-poison');
    try {
      await bus.js.publish(`${box.prefix}.orders.order_created`, JSON.stringify({ id: 'not-a-uuid', type: 'order_created', data: {} }));
      const jsm = await jetstreamManager(bus.nc);
      const dlq = `${box.stream}_DLQ`;
      await waitFor(async () => (await jsm.streams.info(dlq)).state.messages >= 1, {
        timeoutMs: 10_000,
        what: () => `a dead-lettered message${reactionLogs()}`,
      });
      const msg = await jsm.streams.getMessage(dlq, { seq: (await jsm.streams.info(dlq)).state.first_seq });
      expect(msg?.subject).toBe(`dlq.${box.prefix}.orders.order_created`);
      expect(msg?.header.get('Erpbi-Function')).toBe('reserve-stock');
      expect(msg?.header.get('Erpbi-Reason')).toContain('refused with 400');
    } finally {
      await bus.nc.close();
    }
  });
});
