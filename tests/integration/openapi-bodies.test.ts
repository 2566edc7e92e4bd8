import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth/roles.js';
import { roles as allRoles } from '../../shared/auth/roles.js';
import { openApiDocument, type OpenApiDocument, type OpenApiOperation } from '../../shared/http/openapi.js';
import { createHarness, loadDefinitions, type Harness } from '../support/harness.js';
import { seed } from '../support/fixtures.js';
import { caughtUp, feedProjector } from '../support/olap.js';
import { checkedBodies } from '../support/openapi-check.js';

// The harness holds every body an integration test POSTs against /openapi.json (tests/support/openapi-check.ts).
// Here: one run that sends a body for every body schema of the document, so none goes unchecked, and
// the roles the document states against the roles the functions enforce.

const dir = mkdtempSync(join(tmpdir(), 'erpbi-openapi-it-'));
process.env.OLAP_FILE = join(dir, 'erpbi.duckdb');
let h: Harness;
let doc: OpenApiDocument;

beforeAll(async () => {
  h = await createHarness('oapi');
  doc = openApiDocument(await loadDefinitions(), { version: 'test' });
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]: [string, OpenApiOperation]) => ({ path, method, op })));

/** The function-relative URL of a documented path, parameters filled with `value`. */
const urlOf = (path: string, op: OpenApiOperation, value = 'x') => path.slice(`/function/${op['x-erpbi'].function}`.length).replace(/\{\w+\}/g, value) || '/';

describe('the bodies the integration tests send, against /openapi.json', () => {
  it('validate for every body schema: commands, reactions (through settle) and the projector feed', async () => {
    const { sku, customerId } = await seed(h, { stock: 10 });
    const paid = await h.post('create-order', { customerId, lines: [{ sku, quantity: 2 }] }, { role: 'clerk', headers: { 'idempotency-key': 'openapi-1' } });
    expect(paid.status).toBe(201);
    await h.settle();
    const invoice = (await h.get('query', `/invoices?orderId=${paid.body.id}`, { role: 'accountant' })).body.items[0];
    expect(
      (await h.post('record-payment', { invoiceId: invoice.id, amount: invoice.balance, method: 'card', reference: 'r-1' }, { role: 'accountant' })).status,
    ).toBe(201);
    await h.settle();
    expect((await h.post('fulfil-order', { id: paid.body.id }, { role: 'clerk' })).status).toBe(200);
    // One unit comes back, is credited, and what was paid for it refunded.
    const returned = await h.call('fulfil-order', '/return', {
      role: 'clerk',
      body: { orderId: paid.body.id, lines: [{ lineNo: 1, quantity: 1, reason: 'broken', disposition: 'scrap' }] },
    });
    expect(returned.status).toBe(201);
    const note = await h.call('record-payment', '/credit-note', { role: 'accountant', body: { returnId: returned.body.id, reason: 'broken on arrival' } });
    expect(note.status).toBe(201);
    expect(note.body.refundDue).toBeGreaterThan(0);
    expect(
      (
        await h.call('record-payment', '/refund', {
          role: 'accountant',
          body: { creditNoteId: note.body.id, amount: note.body.refundDue, method: 'bank_transfer', reference: 'rf-1' },
        })
      ).status,
    ).toBe(201);
    const cancelled = await h.post('create-order', { customerId, lines: [{ sku, quantity: 1 }] }, { role: 'admin' });
    await h.settle();
    expect((await h.post('cancel-order', { id: cancelled.body.id, reason: 'changed mind' }, { role: 'clerk' })).status).toBe(200);
    await h.settle();
    // The reminder run (its body is what is checked here; tests/integration/reminders.test.ts issues them).
    const later = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    expect((await h.call('create-invoice', '/reminders', { role: 'accountant', body: { asOf: later } })).status).toBe(200);
    // Send by e-mail (tests/integration/email.test.ts sends for real): an unknown document is 404 whether e-mail is on or off.
    expect((await h.call('render-document', '/send', { role: 'accountant', body: { kind: 'credit_note', id: 'no-such-note' } })).status).toBe(404);
    // And a purchase order's (tests/integration/purchase-order-documents.test.ts sends for real): an unknown one is 422.
    expect((await h.call('render-document', '/send-purchase-order', { role: 'clerk', body: { purchaseOrderId: 'no-such-order' } })).status).toBe(422);

    // Stock corrections (tests/integration/stock-valuation.test.ts books them at cost).
    expect(
      (await h.call('receive-stock', '/adjustment', { role: 'clerk', body: { sku, quantity: 1, reason: 'correction', unitCost: 100, note: 'found' } })).status,
    ).toBe(200);
    expect((await h.call('receive-stock', '/count', { role: 'clerk', body: { lines: [{ sku, counted: 20 }], note: 'year end' } })).status).toBe(200);

    const hired = await h.post(
      'hire-employee',
      { name: 'Grace', email: 'grace@example.com', department: 'Ops', title: 'Lead', salary: 450_000, currency: 'EUR', hiredAt: '2024-01-15' },
      { role: 'admin' },
    );
    expect(hired.status).toBe(201);
    expect((await h.post('update-employee', { id: hired.body.id, title: 'Head of Ops' }, { role: 'admin' })).status).toBe(200);
    expect((await h.post('terminate-employee', { id: hired.body.id, terminatedAt: '2025-01-31', reason: 'moved' }, { role: 'admin' })).status).toBe(200);

    const company = {
      name: 'Rösterei GmbH',
      address: { lines: ['Hauptstraße 5'], postalCode: '10115', city: 'Berlin', country: 'DE' },
      vatId: 'DE136695976',
      bank: { iban: 'DE89370400440532013000' },
    };
    expect((await h.call('upsert-customer', '/company', { role: 'admin', body: company })).status).toBe(200);
    const supplierInput = {
      name: 'Bohnen Import AG',
      address: { lines: ['Kaiserkai 1'], postalCode: '20457', city: 'Hamburg', country: 'DE' },
      paymentTermsDays: 14,
      currency: 'EUR',
      email: 'orders@bohnen.example',
    };
    expect((await h.call('upsert-product', '/supplier', { role: 'clerk', body: supplierInput })).status).toBe(200);

    // Buying (tests/integration/purchase-orders.test.ts runs it for real): a purchase order drafted, sent, received in part and
    // cancelled; a reorder with nothing due.
    const supplierAnswer = await h.call('upsert-product', '/supplier', { role: 'admin', body: { name: 'Bohnen Import AG', currency: 'EUR' } });
    expect(supplierAnswer.status).toBe(200);
    const buy = (path: string, body: unknown) => h.call('receive-stock', path, { role: 'clerk', body });
    const po = await buy('/purchase-order', { supplierId: supplierAnswer.body.supplierId, lines: [{ sku, quantity: 4, unitCost: 300 }], note: 'winter' });
    expect(po.status).toBe(201);
    expect((await buy('/purchase-order/send', { purchaseOrderId: po.body.id })).status).toBe(200);
    expect((await buy('/purchase-order/receive', { purchaseOrderId: po.body.id, lines: [{ lineNo: 1, quantity: 1 }], note: 'truck 1' })).status).toBe(200);
    expect((await buy('/purchase-order/cancel', { purchaseOrderId: po.body.id, reason: 'out of stock' })).status).toBe(200);
    expect((await buy('/reorder', { supplierId: supplierAnswer.body.supplierId })).status).toBe(409);

    const feed = await feedProjector(h);
    try {
      await caughtUp(h);
    } finally {
      await feed.stop();
    }

    // Per body schema: render-document takes the envelope every reaction takes, and settle() leaves it out
    // (it needs object storage; tests/integration/documents.test.ts delivers to it).
    const schemaOf = (op: OpenApiOperation) => op.requestBody?.content['application/json'].schema.$ref;
    const bodySchemas = new Set(
      operations()
        .map(({ op }) => schemaOf(op))
        .filter(Boolean),
    );
    const checked = new Set(
      operations()
        .filter(({ op }) => checkedBodies.has(op.operationId))
        .map(({ op }) => schemaOf(op)),
    );
    expect(bodySchemas.size).toBeGreaterThan(10);
    expect(
      [...bodySchemas].filter((ref) => !checked.has(ref)),
      'body schemas no body was checked against',
    ).toEqual([]);
  });
});

describe('the roles /openapi.json states, against what the functions enforce', () => {
  it('names roles on every route: none takes just any valid token', () => {
    for (const { path, method, op } of operations()) expect(op['x-erpbi'].roles.length, `${method} ${path}`).toBeGreaterThan(0);
  });

  it('refuses every role outside an operation’s list with 403, and a token with no erpbi role everywhere', async () => {
    const noRole = await h.keys.sign({ roles: [], sub: 'realm-user-without-erpbi-roles' });
    for (const { path, method, op } of operations()) {
      const listed = op['x-erpbi'].roles;
      const send = (o: { role?: Role; token?: string }) =>
        method === 'get' ? h.get(op['x-erpbi'].function, urlOf(path, op), o) : h.call(op['x-erpbi'].function, urlOf(path, op), { ...o, body: {} });
      for (const role of allRoles.filter((r) => !listed.includes(r))) {
        expect((await send({ role })).status, `${role} on ${method.toUpperCase()} ${path}`).toBe(403);
      }
      expect((await send({ token: noRole })).status, `no role on ${method.toUpperCase()} ${path}`).toBe(403);
    }
  });

  it('lets every listed role read', async () => {
    for (const { path, method, op } of operations()) {
      // The live stream stays open: its role check is the same `authorize` as the BI queries'.
      if (method !== 'get' || op.responses['200']?.content?.['text/event-stream']) continue;
      for (const role of op['x-erpbi'].roles) {
        const res = await h.get(op['x-erpbi'].function, urlOf(path, op), { role });
        expect([401, 403], `${role} on GET ${path}: ${res.status}`).not.toContain(res.status);
      }
    }
  });

  it('takes the service role only from a token issued to the connector (azp)', async () => {
    const event = { id: 'x', type: 'order_created' };
    const forged = await h.keys.sign({ roles: ['service'], sub: 'someone', azp: 'erpbi-dashboard' });
    for (const fn of ['reserve-stock', 'create-invoice', 'render-document']) {
      expect((await h.call(fn, '/', { token: forged, body: event })).status, fn).toBe(403);
    }
    expect((await h.call('project-to-olap', '/batch', { token: forged, body: { events: [{ seq: 1, event }] } })).status).toBe(403);
    expect((await h.call('project-to-olap', '/rebuild', { token: forged, body: {} })).status).toBe(403);
    expect((await h.get('project-to-olap', '/rebuild', { token: forged })).status).toBe(403);
  });
});
