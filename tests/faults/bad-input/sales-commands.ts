import fc from 'fast-check';
import { deliverableKinds } from '../../../shared/billing/deliverable-kinds.js';
import { fx, int, name, type Command } from './command.js';
import { notAString, badInt, badText, badId, badCurrency, badEmail, badEnumOf, badEnum, badList, badAddress, address, hostileText } from './values.js';

// The commands of selling: products and suppliers, stock in, customers, orders, payments, returns,
// credit notes, refunds, documents, the company profile and reminders.
export const salesCommands: Command[] = [
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
      {
        name: 'vatId',
        required: false,
        valid: () => fc.constant('DE136695976'),
        bad: fc.oneof(notAString, fc.constantFrom('', 'DE136695977', 'XX123456789', 'DE', 'FR40303265046')),
      },
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
      fc
        .integer({ min: 2, max: 5 })
        .map((n) => ({ customerId: fx.customerId, lines: Array.from({ length: n }, (_, i) => ({ sku: fx.sku, quantity: 1 + i })) })),
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
      {
        name: 'vatId',
        required: false,
        valid: () => fc.constant('DE136695976'),
        bad: fc.oneof(notAString, fc.constantFrom('', 'DE', 'DE12345678', 'XX123456789', 'DE 136 695 976 x')),
      },
      { name: 'email', required: false, valid: () => fc.constant('office@example.com'), bad: badEmail },
      { name: 'emailOnIssue', required: false, valid: () => fc.boolean(), bad: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) },
    ],
  },
  {
    fn: 'create-invoice',
    path: '/reminders',
    role: 'accountant',
    // Any real day is a run's day (a later one tests the policy, an earlier one catches up): only non-days are bad.
    fields: [
      {
        name: 'asOf',
        required: false,
        valid: () => fc.constant('2026-01-15'),
        bad: fc.oneof(notAString, fc.constantFrom('2024-13-01', '2024-02-30', '0000-01-01', '20240101', 'yesterday', '2024-01-01T00:00:00Z', '')),
      },
    ],
  },
];
