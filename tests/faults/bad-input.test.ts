import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth/roles.js';
import { createHarness, type Harness, type Reply } from '../support/harness.js';
import { seed } from '../support/fixtures.js';
import { deliverableKinds } from '../../shared/billing/deliverable-kinds.js';
import { changedTables, fingerprint, isErrorShape, report, runs } from './support.js';

// Generated bad input against every command, in-process on real Postgres and JetStream: the answer is
// a 4xx with the error shape of API.md, never a 5xx, and no table changes (counts and rows).
let h: Harness;
let fx: { sku: string; hugeSku: string; customerId: string; orderId: string; invoiceId: string; employeeId: string; supplierId: string; purchaseOrderId: string };
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
  expect((await h.post('upsert-product', { sku: hugeSku, name: 'Huge', unitPrice: 1_000_000_000_000, currency: 'EUR', taxRateBp: 10_000 }, { role: 'admin' })).status).toBe(200);
  expect((await h.post('receive-stock', { sku: hugeSku, quantity: 1_000_000 }, { role: 'admin' })).status).toBe(200);
  const order = await h.post('create-order', { customerId, lines: [{ sku, quantity: 1 }] }, { role: 'clerk' });
  expect(order.status).toBe(201);
  await h.settle();
  const invoice = await h.get('query', `/invoices?orderId=${order.body.id}`, { role: 'accountant' });
  const employee = await h.post('hire-employee', { name: 'Ada', email: 'ada@example.com', department: 'Ops', title: 'Lead', salary: 400_000, currency: 'EUR' }, { role: 'admin' });
  expect(employee.status).toBeLessThan(300);
  const supplier = await h.call('upsert-product', '/supplier', { role: 'clerk', body: { id: 'fz-supplier', name: 'Fuzz Supplies', currency: 'EUR' } });
  expect(supplier.status).toBe(200);
  const po = await h.call('receive-stock', '/purchase-order', { role: 'clerk', body: { supplierId: supplier.body.supplierId, lines: [{ sku, quantity: 5, unitCost: 100 }] } });
  expect(po.status).toBe(201);
  expect((await h.call('receive-stock', '/purchase-order/send', { role: 'clerk', body: { purchaseOrderId: po.body.id } })).status).toBe(200);
  fx = {
    sku, hugeSku, customerId, orderId: order.body.id, invoiceId: invoice.body.items[0].id, employeeId: employee.body.id, supplierId: supplier.body.supplierId,
    purchaseOrderId: po.body.id,
  };
});
afterAll(async () => {
  report('bad-input', { requests: Object.fromEntries(Object.entries(tally).map(([k, v]) => [k, v])) });
  await h?.close();
});

// ---- generators of values of the wrong kind ----
const notAString = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }));
const notANumber = fc.oneof(fc.string(), fc.integer().map(String), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }));
const controlChar = fc.constantFrom('\u0000', '\u0001', '\u0007', '\b', '\n', '\r', '\t', '\u001b', '\u007f', '\u0085', '\u009f');
const loneSurrogate = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
const wild = fc.string({ unit: 'binary', maxLength: 40 });
/** A string with something inside that the field must refuse (trimmed ends do not count). */
const withInside = (bad: fc.Arbitrary<string>) => fc.tuple(wild, bad, wild).map(([a, b, c]) => `x${a}${b}${c}x`);

function badInt(min: number, max: number) {
  return fc.oneof(
    notANumber,
    fc.integer({ min: -(2 ** 31), max: min - 1 }),
    fc.double({ min: min, max: Math.min(max, 1e6), noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
    fc.constantFrom(max + 1, 2 ** 53, 2 ** 53 + 2, 9.3e18, 1e21, 1e308, -1e308, -(2 ** 63), 5e-324),
  );
}
function badText(max: number) {
  return fc.oneof(notAString, fc.constant(''), fc.constantFrom(' ', '\t \n', '\u3000'), withInside(controlChar), withInside(loneSurrogate), fc.string({ minLength: max + 1, maxLength: max + 40 }).map((s) => 'x'.repeat(max + 1) + s));
}
/** ids and skus: letters, digits and a few marks; anything else (SQL, paths, unicode) is refused. */
const badId = fc.oneof(
  notAString,
  fc.constant(''),
  withInside(fc.constantFrom(' ', "'", '"', ';', '/', '\\', '%', '*', '(', ')', 'é', '\u202e', '\u0000', '\ud83d\ude00')),
  fc.constantFrom("x' or '1'='1", 'x; drop table orders.orders; --', '../../etc/passwd', 'x%00', 'x\u0000y'),
  fc.string({ minLength: 101, maxLength: 140 }).map((s) => 'a'.repeat(101) + s.replace(/[^\w]/g, '')),
);
const badCurrency = fc.oneof(notAString, fc.constantFrom('', 'eur', 'EURO', 'EU', 'E1R', 'ÉUR', ' EUR', 'EUR\u0000'));
const badEmail = fc.oneof(notAString, fc.string({ maxLength: 30 }).filter((s) => !s.includes('@')), fc.constantFrom('a@', '@b.c', 'a@b@c.d', 'a b@c.d', 'x'.repeat(250) + '@e.com'));
const badDate = fc.oneof(notAString, fc.constantFrom('2024-13-01', '2024-02-30', '0000-01-01', '1899-12-31', '3000-01-01', '20240101', 'yesterday', '2024-01-01T00:00:00Z', ''));
const badEnumOf = (allowed: readonly string[]) => fc.oneof(notAString, fc.string({ maxLength: 12 }).filter((s) => !allowed.includes(s)));
const badEnum = badEnumOf(['bank_transfer', 'card', 'cash', 'cheque', 'other']);
/** A list field: not a list, empty, or items of the wrong shape (`item` makes one bad item). */
const badList = (item: fc.Arbitrary<unknown>, max: number) =>
  fc.oneof(
    notAString.filter((v) => !Array.isArray(v)),
    fc.constant([]),
    fc.array(item, { minLength: 1, maxLength: 3 }),
    fc.integer({ min: max + 1, max: max + 20 }).chain((n) => fc.array(item, { minLength: n, maxLength: n })),
  );
// Case and surrounding spaces are normalised on purpose ('de', ' DE' are Germany: shared/schemas/parties.ts);
// these stay wrong after that.
const badCountry = fc.oneof(notAString, fc.constantFrom('', 'DEU', 'XX', 'ZZ', '1A', 'D E', 'DE.', 'd\u0000'));
const badAddress = fc.oneof(
  notAString,
  fc.constant({}),
  fc.record({ lines: fc.constant(['Hauptstraße 5']), postalCode: fc.constant('10115'), city: fc.constant('Berlin'), country: badCountry }),
  fc.record({ lines: fc.constantFrom([], ['a', 'b', 'c', 'd'], [''], [1]), postalCode: fc.constant('10115'), city: fc.constant('Berlin'), country: fc.constant('DE') }),
  fc.record({ lines: fc.constant(['Hauptstraße 5']), postalCode: badText(20), city: fc.constant('Berlin'), country: fc.constant('DE') }),
);
const address = { lines: ['Hauptstraße 5'], postalCode: '10115', city: 'Berlin', country: 'DE' };

// ---- hostile values that may be valid: never a 5xx; a 4xx writes nothing ----
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }).map((s) => `a${s}`),
  fc.tuple(wild, loneSurrogate, wild).map(([a, b, c]) => `a${a}${b}${c}`),
  fc.constantFrom('Ω≈ç√∫', '𝕳𝖊𝖑𝖑𝖔', '\u202eevil', 'a\u200bb', '😀'.repeat(50), "Robert'); drop table orders.orders;--", '{"$ne":1}', 'ǅ\u0301\u0301\u0301'),
);

interface Field {
  name: string;
  required: boolean;
  /** Always in a valid body, yet optional (update-employee needs one field to change). */
  keep?: boolean;
  valid: () => fc.Arbitrary<unknown>;
  bad: fc.Arbitrary<unknown>;
  hostile?: fc.Arbitrary<unknown>;
}
interface Command {
  fn: string;
  /** A further command of the function (shared/http/definition.ts), e.g. '/refund'; '/' when absent. */
  path?: string;
  role: Role;
  fields: Field[];
  /** Invalid whole bodies beyond field-by-field ones (duplicate lines, ...). */
  extraBad?: () => fc.Arbitrary<Record<string, unknown>>;
}

const int = (min: number, max: number) => fc.integer({ min, max });
const name = (n: string, max = 200): Field => ({ name: n, required: true, valid: () => fc.constantFrom('Widget', 'Acme Ltd'), bad: badText(max), hostile: hostileText });
const commands: Command[] = [
  {
    fn: 'upsert-product',
    role: 'admin',
    fields: [
      { name: 'sku', required: true, valid: () => fc.constant(fx.sku), bad: badId },
      name('name'),
      { name: 'unitPrice', required: true, valid: () => int(0, 1_000_000_000_000), bad: badInt(0, 1_000_000_000_000) },
      { name: 'currency', required: true, valid: () => fc.constant('EUR'), bad: badCurrency },
      { name: 'taxRateBp', required: false, valid: () => int(0, 10_000), bad: badInt(0, 10_000) },
      // null is valid for these two (it clears them)
      { name: 'preferredSupplierId', required: false, valid: () => fc.constant(fx.supplierId), bad: badId.filter((v) => v !== null) },
      { name: 'supplierSku', required: false, valid: () => fc.constant('SUP-1'), bad: badText(100).filter((v) => v !== null), hostile: hostileText },
      { name: 'reorderQuantity', required: false, valid: () => int(0, 1_000_000), bad: badInt(0, 1_000_000) },
    ],
  },
  {
    fn: 'upsert-product',
    path: '/supplier',
    role: 'clerk',
    fields: [
      { name: 'id', required: false, valid: () => fc.constant(fx.supplierId), bad: badId },
      name('name'),
      { name: 'currency', required: true, valid: () => fc.constant('EUR'), bad: badCurrency },
      { name: 'paymentTermsDays', required: false, valid: () => int(0, 365), bad: badInt(0, 365) },
      { name: 'vatId', required: false, valid: () => fc.constant('DE136695976'), bad: fc.oneof(notAString, fc.constantFrom('', 'DE136695977', 'XX123456789', 'DE', 'FR40303265046')) },
      { name: 'email', required: false, valid: () => fc.constant('orders@example.com'), bad: badEmail },
    ],
  },
  {
    fn: 'receive-stock',
    role: 'clerk',
    fields: [
      { name: 'sku', required: true, valid: () => fc.constant(fx.sku), bad: badId },
      { name: 'quantity', required: true, valid: () => int(1, 1_000_000), bad: badInt(1, 1_000_000) },
      { name: 'note', required: false, valid: () => fc.constant('delivery'), bad: badText(500), hostile: hostileText },
    ],
  },
  {
    fn: 'upsert-customer',
    role: 'clerk',
    fields: [
      { name: 'id', required: false, valid: () => fc.constant(fx.customerId), bad: badId },
      name('name'),
      { name: 'email', required: false, valid: () => fc.constant('a@example.com'), bad: badEmail },
      { name: 'paymentTermsDays', required: true, valid: () => int(0, 365), bad: badInt(0, 365) },
    ],
  },
  {
    fn: 'create-order',
    role: 'clerk',
    fields: [
      { name: 'customerId', required: true, valid: () => fc.constant(fx.customerId), bad: badId },
      {
        name: 'lines',
        required: true,
        valid: () => fc.constant([{ sku: fx.sku, quantity: 1 }]),
        bad: fc.oneof(
          notAString.filter((v) => !Array.isArray(v)),
          fc.constant([]),
          fc.array(fc.record({ sku: fc.constant('A'), quantity: badInt(1, 1_000_000) }), { minLength: 1, maxLength: 3 }),
          fc.array(fc.record({ sku: badId, quantity: fc.constant(1) }), { minLength: 1, maxLength: 3 }),
          fc.array(fc.record({ sku: fc.constant('A') }), { minLength: 1, maxLength: 2 }),
          fc.array(fc.record({ sku: fc.constant('A'), quantity: fc.constant(1), price: fc.integer() }), { minLength: 1, maxLength: 2 }),
          fc.integer({ min: 101, max: 300 }).map((n) => Array.from({ length: n }, (_, i) => ({ sku: `S${i}`, quantity: 1 }))),
        ),
        // Quantities near the limit of a product at the highest price: totals beyond any safe amount.
        hostile: fc.array(fc.record({ sku: fc.constant('HUGE'), quantity: int(1, 1_000_000) }), { minLength: 1, maxLength: 1 }),
      },
    ],
    extraBad: () =>
      fc.integer({ min: 2, max: 5 }).map((n) => ({ customerId: fx.customerId, lines: Array.from({ length: n }, (_, i) => ({ sku: fx.sku, quantity: 1 + i })) })),
  },
  {
    fn: 'cancel-order',
    role: 'clerk',
    fields: [
      { name: 'id', required: true, valid: () => fc.constant(fx.orderId), bad: badId },
      { name: 'reason', required: false, valid: () => fc.constant('changed mind'), bad: badText(500) },
    ],
  },
  { fn: 'fulfil-order', role: 'clerk', fields: [{ name: 'id', required: true, valid: () => fc.constant(fx.orderId), bad: badId }] },
  {
    fn: 'record-payment',
    role: 'accountant',
    fields: [
      { name: 'invoiceId', required: true, valid: () => fc.constant(fx.invoiceId), bad: badId },
      { name: 'amount', required: true, valid: () => fc.constant(1), bad: badInt(1, 1_000_000_000_000) },
      { name: 'method', required: true, valid: () => fc.constant('card'), bad: badEnum },
      { name: 'reference', required: false, valid: () => fc.constant('ref-1'), bad: badText(200) },
    ],
  },
  {
    fn: 'fulfil-order',
    path: '/return',
    role: 'clerk',
    fields: [
      { name: 'orderId', required: true, valid: () => fc.constant(fx.orderId), bad: badId },
      {
        name: 'lines',
        required: true,
        valid: () => fc.constant([{ lineNo: 1, quantity: 1, reason: 'damaged', disposition: 'restock' }]),
        bad: badList(
          fc.oneof(
            fc.record({ lineNo: badInt(1, 10_000), quantity: fc.constant(1), reason: fc.constant('x'), disposition: fc.constant('restock') }),
            fc.record({ lineNo: fc.constant(1), quantity: badInt(1, 1_000_000), reason: fc.constant('x'), disposition: fc.constant('restock') }),
            fc.record({ lineNo: fc.constant(1), quantity: fc.constant(1), reason: badText(200), disposition: fc.constant('scrap') }),
            fc.record({ lineNo: fc.constant(1), quantity: fc.constant(1), reason: fc.constant('x'), disposition: badEnumOf(['restock', 'scrap']) }),
          ),
          500,
        ),
      },
    ],
  },
  {
    fn: 'record-payment',
    path: '/credit-note',
    role: 'accountant',
    fields: [
      { name: 'returnId', required: true, valid: () => fc.constant('no-such-return'), bad: badId },
      { name: 'reason', required: false, valid: () => fc.constant('returned'), bad: badText(200) },
    ],
  },
  {
    fn: 'record-payment',
    path: '/refund',
    role: 'accountant',
    fields: [
      { name: 'creditNoteId', required: true, valid: () => fc.constant('no-such-credit-note'), bad: badId },
      { name: 'amount', required: true, valid: () => fc.constant(1), bad: badInt(1, 1_000_000_000_000) },
      { name: 'method', required: true, valid: () => fc.constant('card'), bad: badEnum },
      { name: 'reference', required: false, valid: () => fc.constant('ref-1'), bad: badText(200) },
    ],
  },
  {
    fn: 'render-document',
    path: '/send',
    role: 'accountant',
    fields: [
      { name: 'kind', required: true, valid: () => fc.constant('invoice'), bad: badEnumOf(deliverableKinds) },
      { name: 'id', required: true, valid: () => fc.constant(fx.invoiceId), bad: badId },
    ],
  },
  {
    fn: 'upsert-customer',
    path: '/company',
    role: 'admin',
    fields: [
      name('name'),
      { name: 'address', required: true, valid: () => fc.constant(address), bad: badAddress },
      { name: 'vatId', required: false, valid: () => fc.constant('DE136695976'), bad: fc.oneof(notAString, fc.constantFrom('', 'DE', 'DE12345678', 'XX123456789', 'DE 136 695 976 x')) },
      { name: 'email', required: false, valid: () => fc.constant('office@example.com'), bad: badEmail },
      { name: 'emailOnIssue', required: false, valid: () => fc.boolean(), bad: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) },
    ],
  },
  {
    fn: 'create-invoice',
    path: '/reminders',
    role: 'accountant',
    // Any real day is a run's day (a later one tests the policy, an earlier one catches up): only non-days are bad.
    fields: [{ name: 'asOf', required: false, valid: () => fc.constant('2026-01-15'), bad: fc.oneof(notAString, fc.constantFrom('2024-13-01', '2024-02-30', '0000-01-01', '20240101', 'yesterday', '2024-01-01T00:00:00Z', '')) }],
  },
  {
    fn: 'receive-stock',
    path: '/purchase-order',
    role: 'clerk',
    fields: [
      { name: 'supplierId', required: true, valid: () => fc.constant(fx.supplierId), bad: badId },
      {
        name: 'lines',
        required: true,
        valid: () => fc.constant([{ sku: fx.sku, quantity: 1, unitCost: 100 }]),
        bad: badList(
          fc.oneof(
            fc.record({ sku: badId, quantity: fc.constant(1), unitCost: fc.constant(1) }),
            fc.record({ sku: fc.constant('A'), quantity: badInt(1, 1_000_000), unitCost: fc.constant(1) }),
            fc.record({ sku: fc.constant('A'), quantity: fc.constant(1), unitCost: badInt(0, 1_000_000_000_000) }),
          ),
          100,
        ),
      },
      { name: 'note', required: false, valid: () => fc.constant('winter'), bad: badText(500), hostile: hostileText },
    ],
    extraBad: () => fc.integer({ min: 2, max: 4 }).map((n) => ({ supplierId: fx.supplierId, lines: Array.from({ length: n }, () => ({ sku: fx.sku, quantity: 1, unitCost: 1 })) })),
  },
  ...(['/purchase-order/send', '/purchase-order/cancel'] as const).map((path): Command => ({
    fn: 'receive-stock',
    path,
    role: 'clerk',
    fields: [{ name: 'purchaseOrderId', required: true, valid: () => fc.constant('no-such-po'), bad: badId }],
  })),
  {
    fn: 'receive-stock',
    path: '/purchase-order/receive',
    role: 'clerk',
    fields: [
      { name: 'purchaseOrderId', required: true, valid: () => fc.constant(fx.purchaseOrderId), bad: badId },
      {
        name: 'lines',
        required: true,
        valid: () => fc.constant([{ lineNo: 1, quantity: 1 }]),
        bad: badList(fc.oneof(fc.record({ lineNo: badInt(1, 1000), quantity: fc.constant(1) }), fc.record({ lineNo: fc.constant(1), quantity: badInt(1, 1_000_000) })), 100),
      },
      { name: 'note', required: false, valid: () => fc.constant('truck 1'), bad: badText(500) },
    ],
    extraBad: () => fc.constant({ purchaseOrderId: fx.purchaseOrderId, lines: [{ lineNo: 1, quantity: 1 }, { lineNo: 1, quantity: 1 }] }),
  },
  { fn: 'receive-stock', path: '/reorder', role: 'clerk', fields: [{ name: 'supplierId', required: true, valid: () => fc.constant(fx.supplierId), bad: badId }] },
  {
    fn: 'receive-stock',
    path: '/adjustment',
    role: 'clerk',
    fields: [
      { name: 'sku', required: true, valid: () => fc.constant(fx.sku), bad: badId },
      { name: 'quantity', required: true, valid: () => fc.constantFrom(-1, 1), bad: fc.oneof(notANumber, fc.constantFrom(0, 0.5, -1.5, 1_000_001, -1_000_001, 2 ** 53, 1e308)) },
      { name: 'reason', required: true, valid: () => fc.constantFrom('count', 'damage', 'theft', 'correction'), bad: badEnumOf(['count', 'damage', 'theft', 'correction']) },
      { name: 'note', required: false, valid: () => fc.constant('dropped'), bad: badText(500), hostile: hostileText },
    ],
  },
  {
    fn: 'receive-stock',
    path: '/count',
    role: 'clerk',
    fields: [
      {
        name: 'lines',
        required: true,
        valid: () => fc.constant([{ sku: fx.sku, counted: 50 }]),
        bad: badList(fc.oneof(fc.record({ sku: badId, counted: fc.constant(1) }), fc.record({ sku: fc.constant('A'), counted: badInt(0, 1_000_000) })), 5000),
      },
      { name: 'note', required: false, valid: () => fc.constant('year end'), bad: badText(500) },
    ],
    extraBad: () => fc.constant({ lines: [{ sku: fx.sku, counted: 1 }, { sku: fx.sku, counted: 2 }] }),
  },
  {
    fn: 'render-document',
    path: '/send-purchase-order',
    role: 'clerk',
    fields: [{ name: 'purchaseOrderId', required: true, valid: () => fc.constant(fx.purchaseOrderId), bad: badId }],
  },
  {
    fn: 'hire-employee',
    role: 'admin',
    fields: [
      name('name'),
      { name: 'email', required: true, valid: () => fc.constant('grace@example.com'), bad: badEmail },
      { name: 'department', required: true, valid: () => fc.constant('Ops'), bad: badText(100), hostile: hostileText },
      { name: 'title', required: true, valid: () => fc.constant('Engineer'), bad: badText(200), hostile: hostileText },
      { name: 'salary', required: true, valid: () => int(1, 1_000_000_000_000), bad: badInt(1, 1_000_000_000_000) },
      { name: 'currency', required: true, valid: () => fc.constant('EUR'), bad: badCurrency },
      { name: 'hiredAt', required: false, valid: () => fc.constant('2024-01-15'), bad: badDate },
    ],
  },
  {
    fn: 'update-employee',
    role: 'admin',
    fields: [
      { name: 'id', required: true, valid: () => fc.constant(fx.employeeId), bad: badId },
      { name: 'title', required: false, keep: true, valid: () => fc.constant('Lead'), bad: badText(200), hostile: hostileText },
      { name: 'salary', required: false, valid: () => int(1, 1_000_000_000_000), bad: badInt(1, 1_000_000_000_000) },
      { name: 'hiredAt', required: false, valid: () => fc.constant('2024-01-15'), bad: badDate },
    ],
  },
  {
    fn: 'terminate-employee',
    role: 'admin',
    fields: [
      { name: 'id', required: true, valid: () => fc.constant(fx.employeeId), bad: badId },
      { name: 'terminatedAt', required: false, valid: () => fc.constant('2025-01-31'), bad: badDate },
      { name: 'reason', required: false, valid: () => fc.constant('moved on'), bad: badText(500) },
    ],
  },
];

/** A valid body: required fields and any optional ones. */
function validBody(c: Command): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(c.fields.map((f) => [f.name, f.valid()])), { requiredKeys: c.fields.filter((f) => f.required || f.keep).map((f) => f.name) }) as fc.Arbitrary<Record<string, unknown>>;
}

/** Bodies that can never be accepted, labelled with how they are wrong. */
function invalidBodies(c: Command): fc.Arbitrary<{ kind: string; body: unknown }> {
  const base = validBody(c);
  const gens: fc.Arbitrary<{ kind: string; body: unknown }>[] = [
    ...c.fields.map((f) => fc.tuple(base, f.bad).map(([b, v]) => ({ kind: `bad ${f.name}`, body: { ...b, [f.name]: v } }))),
    ...c.fields.filter((f) => f.required).map((f) => base.map((b) => ({ kind: `missing ${f.name}`, body: Object.fromEntries(Object.entries(b).filter(([k]) => k !== f.name)) }))),
    fc.tuple(base, fc.constantFrom('admin', 'status', 'total', '__proto__', 'constructor', 'id2', 'salary_', '$where'), fc.jsonValue({ maxDepth: 1 })).map(([b, k, v]) => ({ kind: 'unknown field', body: { ...b, [k]: v } })),
    fc.oneof(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }), fc.integer(), fc.string(), fc.constant(null), fc.boolean()).map((body) => ({ kind: 'not an object', body })),
  ];
  if (c.extraBad) gens.push(c.extraBad().map((body) => ({ kind: 'duplicate lines', body })));
  return fc.oneof(...gens);
}

/** Valid bodies with hostile strings or extreme (allowed) numbers where the command has them. */
function hostileBodies(c: Command): fc.Arbitrary<Record<string, unknown>> | undefined {
  const hostile = c.fields.filter((f) => f.hostile);
  if (hostile.length === 0) return undefined;
  return fc.tuple(validBody(c), fc.constantFrom(...hostile), fc.constant(null)).chain(([b, f]) =>
    f.hostile!.map((v) => {
      const value = f.name === 'lines' ? (v as { quantity: number }[]).map((l) => ({ sku: fx.hugeSku, quantity: l.quantity })) : v;
      return { ...b, [f.name]: value };
    }),
  );
}

async function send(c: Command, raw: { body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<Reply> {
  const opts = raw.rawBody !== undefined ? { role: c.role, rawBody: raw.rawBody, ...(raw.headers ? { headers: raw.headers } : {}) } : { role: c.role, body: raw.body, ...(raw.headers ? { headers: raw.headers } : {}) };
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

const label = (c: Command) => `${c.fn}${c.path ?? ''}`;

describe.each(commands.map((c) => [label(c), c] as const))('bad input to %s', (_fn, c) => {
  it('generated invalid bodies: 4xx with the error shape, nothing written', async () => {
    await fc.assert(fc.asyncProperty(invalidBodies(c), async ({ kind, body }) => expectRefusedUntouched(c, kind, { body })), { numRuns: runs * 3 });
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
    await fc.assert(fc.asyncProperty(notJson, async (rawBody) => expectRefusedUntouched(c, 'invalid JSON', { rawBody })), { numRuns: runs });
    await fc.assert(
      fc.asyncProperty(validBody(c), fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml'), async (body, type) =>
        expectRefusedUntouched(c, 'wrong media type', { rawBody: JSON.stringify(body), headers: { 'content-type': type } }),
      ),
      { numRuns: Math.ceil(runs / 4) },
    );
    // Just over the 100 kB limit, and far over it: 413 before anything is parsed.
    for (const size of [100 * 1024 + 1, 1024 * 1024, 5 * 1024 * 1024]) {
      await expectRefusedUntouched(c, 'oversized body', { rawBody: JSON.stringify({ pad: 'x'.repeat(size) }) });
    }
    await fc.assert(
      fc.asyncProperty(validBody(c), fc.oneof(fc.constant(''), fc.constant('has space'), fc.constant('k'.repeat(201)), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }).map((s) => `a ${s}`)), async (body, key) =>
        expectRefusedUntouched(c, 'bad Idempotency-Key', { body, headers: { 'idempotency-key': key } }),
      ),
      { numRuns: Math.ceil(runs / 4) },
    );
  });

  it.skipIf(!c.fields.some((f) => f.hostile))('hostile but well-typed values (unicode, lone surrogates, extreme amounts): never a 5xx; a 4xx writes nothing', async () => {
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
  });
});
