import { bigint, integer, table, timestamp, varchar } from './declare.js';

// Buying and margin (issue 20): facts kept as they come, aggregated by the named queries of
// olap/buying-queries.ts. Each row is written once per event, keyed by what the event names, so a
// redelivery or a rebuild writes the same rows; values absent on events from before 016 are null and
// left out.

/** Every movement of stock with its value after it (stock_changed): COGS, and inventory value over time. */
export const stockMovements = table(
  'stock_movements',
  {
    sku: varchar(),
    movementId: bigint(),
    kind: varchar(),
    movementReason: varchar().nullable(),
    orderId: varchar().nullable(),
    purchaseOrderId: varchar().nullable(),
    onHand: bigint(),
    value: bigint().nullable(),
    valueDelta: bigint().nullable(),
    currency: varchar().nullable(),
    occurredAt: timestamp(),
  },
  { key: ['sku', 'movementId'], onConflict: 'keep' },
);

/** Invoice lines as issued (revenue net of tax, at the invoice's issue date in invoices). */
export const invoiceLines = table(
  'invoice_lines',
  {
    invoiceId: varchar(),
    lineNo: integer(),
    sku: varchar(),
    name: varchar(),
    quantity: integer(),
    unitPrice: bigint(),
    net: bigint(),
  },
  { key: ['invoiceId', 'lineNo'], onConflict: 'keep' },
);

/** A full note (no return) credits every line of its invoice; a return's credits what came back. */
export const creditNotes = table(
  'credit_notes',
  {
    creditNoteId: varchar(),
    invoiceId: varchar(),
    returnId: varchar().nullable(),
    currency: varchar(),
    amount: bigint(),
    issuedAt: timestamp(),
    seq: bigint(),
  },
  { key: ['creditNoteId'], onConflict: 'keep' },
);

export const returnLines = table(
  'return_lines',
  {
    returnId: varchar(),
    lineNo: integer(),
    sku: varchar(),
    quantity: integer(),
  },
  { key: ['returnId', 'lineNo'], onConflict: 'keep' },
);

/** Created and cancelled may come in either order: each fills what it knows. */
export const purchaseOrders = table(
  'purchase_orders',
  {
    purchaseOrderId: varchar(),
    number: varchar().nullable(),
    supplierId: varchar().nullable(),
    supplierName: varchar().nullable(),
    currency: varchar().nullable(),
    createdAt: timestamp().nullable(),
    cancelledAt: timestamp().nullable(),
  },
  { key: ['purchaseOrderId'], onConflict: 'merge' },
);

export const purchaseOrderLines = table(
  'purchase_order_lines',
  {
    purchaseOrderId: varchar(),
    lineNo: integer(),
    sku: varchar(),
    name: varchar(),
    quantity: integer(),
    unitCost: bigint(),
  },
  { key: ['purchaseOrderId', 'lineNo'], onConflict: 'keep' },
);

/** Receipt lines by 1-based position in their goods_received event (an unordered line has no line number). */
export const receiptLines = table(
  'receipt_lines',
  {
    receiptId: varchar(),
    position: integer(),
    purchaseOrderId: varchar().nullable(),
    supplierId: varchar().nullable(),
    currency: varchar(),
    lineNo: integer().nullable(),
    sku: varchar(),
    quantity: integer(),
    unitCost: bigint(),
    value: bigint(),
    receivedAt: timestamp(),
  },
  { key: ['receiptId', 'position'], onConflict: 'keep' },
);

/** The name of the latest supplier_upserted by stream sequence. */
export const suppliers = table(
  'suppliers',
  {
    supplierId: varchar(),
    name: varchar().newest('seq'),
    seq: bigint().newest('seq'),
  },
  { key: ['supplierId'], onConflict: 'merge' },
);
