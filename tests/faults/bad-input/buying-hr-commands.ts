import fc from 'fast-check';
import { fx, int, name, type Command } from './command.js';
import { notANumber, badInt, badText, badId, badCurrency, badEmail, badDate, badEnumOf, badList, hostileText } from './values.js';

// The commands of buying and people: purchase orders (create, send, receive, reorder), stock
// adjustments and counts, the purchase order's e-mail, and hiring, updating and ending employment.
export const buyingHrCommands: Command[] = [
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
    extraBad: () =>
      fc
        .integer({ min: 2, max: 4 })
        .map((n) => ({ supplierId: fx.supplierId, lines: Array.from({ length: n }, () => ({ sku: fx.sku, quantity: 1, unitCost: 1 })) })),
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
        bad: badList(
          fc.oneof(fc.record({ lineNo: badInt(1, 1000), quantity: fc.constant(1) }), fc.record({ lineNo: fc.constant(1), quantity: badInt(1, 1_000_000) })),
          100,
        ),
      },
      { name: 'note', required: false, valid: () => fc.constant('truck 1'), bad: badText(500) },
    ],
    extraBad: () =>
      fc.constant({
        purchaseOrderId: fx.purchaseOrderId,
        lines: [
          { lineNo: 1, quantity: 1 },
          { lineNo: 1, quantity: 1 },
        ],
      }),
  },
  {
    fn: 'receive-stock',
    path: '/reorder',
    role: 'clerk',
    fields: [{ name: 'supplierId', required: true, valid: () => fc.constant(fx.supplierId), bad: badId }],
  },
  {
    fn: 'receive-stock',
    path: '/adjustment',
    role: 'clerk',
    fields: [
      { name: 'sku', required: true, valid: () => fc.constant(fx.sku), bad: badId },
      {
        name: 'quantity',
        required: true,
        valid: () => fc.constantFrom(-1, 1),
        bad: fc.oneof(notANumber, fc.constantFrom(0, 0.5, -1.5, 1_000_001, -1_000_001, 2 ** 53, 1e308)),
      },
      {
        name: 'reason',
        required: true,
        valid: () => fc.constantFrom('count', 'damage', 'theft', 'correction'),
        bad: badEnumOf(['count', 'damage', 'theft', 'correction']),
      },
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
    extraBad: () =>
      fc.constant({
        lines: [
          { sku: fx.sku, counted: 1 },
          { sku: fx.sku, counted: 2 },
        ],
      }),
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
