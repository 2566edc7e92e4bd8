import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type Reply } from '../support/harness.js';
import { seed } from '../support/fixtures.js';
import { changedTables, fingerprint, isErrorShape, report, runs } from './support.js';
import { hostileBodies, invalidBodies, validBody } from './bad-input/bodies.js';
import { buyingHrCommands } from './bad-input/buying-hr-commands.js';
import { fx, label, type Command } from './bad-input/command.js';
import { salesCommands } from './bad-input/sales-commands.js';

// Generated bad input against every command, in-process on real Postgres and JetStream: the answer is
// a 4xx with the error shape of API.md, never a 5xx, and no table changes (counts and rows). The
// commands, their fields and the values they must refuse are in bad-input/.
let h: Harness;
const tally: Record<string, Record<string, number>> = {};
const count = (cmd: string, kind: string) => {
  tally[cmd] ??= {};
  tally[cmd][kind] = (tally[cmd][kind] ?? 0) + 1;
};

beforeAll(async () => {
  h = await createHarness('fz');
  const { sku, customerId } = await seed(h, { stock: 50 });
  // A product at the highest price the schema takes: quantities near the limit overflow a safe total.
  const hugeSku = `HUGE-${Date.now()}`;
  expect(
    (await h.post('upsert-product', { sku: hugeSku, name: 'Huge', unitPrice: 1_000_000_000_000, currency: 'EUR', taxRateBp: 10_000 }, { role: 'admin' }))
      .status,
  ).toBe(200);
  expect((await h.post('receive-stock', { sku: hugeSku, quantity: 1_000_000 }, { role: 'admin' })).status).toBe(200);
  const order = await h.post('create-order', { customerId, lines: [{ sku, quantity: 1 }] }, { role: 'clerk' });
  expect(order.status).toBe(201);
  await h.settle();
  const invoice = await h.get('query', `/invoices?orderId=${order.body.id}`, { role: 'accountant' });
  const employee = await h.post(
    'hire-employee',
    { name: 'Ada', email: 'ada@example.com', department: 'Ops', title: 'Lead', salary: 400_000, currency: 'EUR' },
    { role: 'admin' },
  );
  expect(employee.status).toBeLessThan(300);
  const supplier = await h.call('upsert-product', '/supplier', { role: 'clerk', body: { id: 'fz-supplier', name: 'Fuzz Supplies', currency: 'EUR' } });
  expect(supplier.status).toBe(200);
  const po = await h.call('receive-stock', '/purchase-order', {
    role: 'clerk',
    body: { supplierId: supplier.body.supplierId, lines: [{ sku, quantity: 5, unitCost: 100 }] },
  });
  expect(po.status).toBe(201);
  expect((await h.call('receive-stock', '/purchase-order/send', { role: 'clerk', body: { purchaseOrderId: po.body.id } })).status).toBe(200);
  Object.assign(fx, {
    sku,
    hugeSku,
    customerId,
    orderId: order.body.id,
    invoiceId: invoice.body.items[0].id,
    employeeId: employee.body.id,
    supplierId: supplier.body.supplierId,
    purchaseOrderId: po.body.id,
  });
});
afterAll(async () => {
  report('bad-input', { requests: Object.fromEntries(Object.entries(tally).map(([k, v]) => [k, v])) });
  await h?.close();
});

async function send(c: Command, raw: { body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<Reply> {
  const opts =
    raw.rawBody !== undefined
      ? { role: c.role, rawBody: raw.rawBody, ...(raw.headers ? { headers: raw.headers } : {}) }
      : { role: c.role, body: raw.body, ...(raw.headers ? { headers: raw.headers } : {}) };
  return h.call(c.fn, c.path ?? '/', opts);
}

/** The 4xx with the error shape, and not a single row changed anywhere. */
async function expectRefusedUntouched(c: Command, kind: string, raw: Parameters<typeof send>[1]) {
  const before = await fingerprint(h.db.pool);
  const res = await send(c, raw);
  count(label(c), kind);
  const what = `${label(c)} ${kind}: ${JSON.stringify(raw).slice(0, 300)} -> ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
  expect(res.status, what).toBeGreaterThanOrEqual(400);
  expect(res.status, what).toBeLessThan(500);
  expect(isErrorShape(res.body), what).toBe(true);
  expect(changedTables(before, await fingerprint(h.db.pool)), what).toEqual([]);
}

const commands: Command[] = [...salesCommands, ...buyingHrCommands];

describe.each(commands.map((c) => [label(c), c] as const))('bad input to %s', (_fn, c) => {
  it('generated invalid bodies: 4xx with the error shape, nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(invalidBodies(c), async ({ kind, body }) => expectRefusedUntouched(c, kind, { body })),
      { numRuns: runs * 3 },
    );
  });

  it('invalid JSON, wrong media type, oversized bodies, bad Idempotency-Key: refused, nothing written', async () => {
    const notJson = fc.oneof(
      fc.string({ maxLength: 50 }).filter((s) => {
        try {
          JSON.parse(s);
          return false;
        } catch {
          return true;
        }
      }),
      fc.constantFrom('{', '{"sku":', "{'a':1}", '{"a":1,}', 'undefined', 'NaN', '{"a":01}', '\u0000', '{"a":"\\x41"}', '[1,2'),
    );
    await fc.assert(
      fc.asyncProperty(notJson, async (rawBody) => expectRefusedUntouched(c, 'invalid JSON', { rawBody })),
      { numRuns: runs },
    );
    await fc.assert(
      fc.asyncProperty(
        validBody(c),
        fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml'),
        async (body, type) => expectRefusedUntouched(c, 'wrong media type', { rawBody: JSON.stringify(body), headers: { 'content-type': type } }),
      ),
      { numRuns: Math.ceil(runs / 4) },
    );
    // Just over the 100 kB limit, and far over it: 413 before anything is parsed.
    for (const size of [100 * 1024 + 1, 1024 * 1024, 5 * 1024 * 1024]) {
      await expectRefusedUntouched(c, 'oversized body', { rawBody: JSON.stringify({ pad: 'x'.repeat(size) }) });
    }
    await fc.assert(
      fc.asyncProperty(
        validBody(c),
        fc.oneof(
          fc.constant(''),
          fc.constant('has space'),
          fc.constant('k'.repeat(201)),
          fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }).map((s) => `a ${s}`),
        ),
        async (body, key) => expectRefusedUntouched(c, 'bad Idempotency-Key', { body, headers: { 'idempotency-key': key } }),
      ),
      { numRuns: Math.ceil(runs / 4) },
    );
  });

  it.skipIf(!c.fields.some((f) => f.hostile))(
    'hostile but well-typed values (unicode, lone surrogates, extreme amounts): never a 5xx; a 4xx writes nothing',
    async () => {
      const hostile = hostileBodies(c);
      await fc.assert(
        fc.asyncProperty(hostile!, async (body) => {
          const before = await fingerprint(h.db.pool);
          const res = await send(c, { body });
          count(label(c), 'hostile');
          const what = `${label(c)} hostile: ${JSON.stringify(body).slice(0, 300)} -> ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
          expect(res.status, what).toBeLessThan(500);
          if (res.status >= 400) {
            expect(isErrorShape(res.body), what).toBe(true);
            expect(changedTables(before, await fingerprint(h.db.pool)), what).toEqual([]);
          }
        }),
        { numRuns: runs * 2 },
      );
    },
  );
});
