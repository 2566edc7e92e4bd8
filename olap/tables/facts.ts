import type { OrderStatus } from '../../shared/domain/order-lifecycle.js';
import { bigint, date, integer, table, timestamp, varchar } from './declare.js';

// The DuckDB tables of orders, invoices, payments, stock, staff and order timelines, and the stream's
// high-water mark. Aggregates are named queries over these tables (olap/queries.ts), the heavy ones over
// rollups kept from them in the same transaction (olap/tables/rollups.ts). Every merge is commutative and
// idempotent, so events of one order may arrive in any order (olap/fold.ts).

/** Where the projection is in the stream: one row (id 1), moved by every applied batch. */
export const watermark = table(
  'watermark',
  {
    id: integer(),
    seq: bigint().last(),
    eventTime: timestamp().nullable().last(),
    appliedAt: timestamp().last(),
  },
  { key: ['id'], onConflict: 'merge' },
);

/** One row per order: what order_created says, and the highest-ranked status any event announced. */
export const orders = table(
  'orders',
  {
    orderId: varchar(),
    customerId: varchar().nullable(),
    customerName: varchar().nullable(),
    currency: varchar().nullable(),
    subtotal: bigint().nullable(),
    tax: bigint().nullable(),
    total: bigint().nullable(),
    createdAt: timestamp().nullable(),
    // Every move in Postgres goes up in rank, so the highest rank seen is where the order ends.
    status: varchar<OrderStatus>().newest('statusRank'),
    statusRank: integer().newest('statusRank'),
    amountPaid: bigint().max(),
    invoiceId: varchar().nullable(),
    updatedAt: timestamp().max(),
    lastSeq: bigint().max(),
    // What the row counted for in the rollups (olap/tables/rollups.ts) before the latest batch changed it.
    wasCurrency: varchar().was('currency').addedLater(),
    wasTotal: bigint().was('total').addedLater(),
    wasCreatedAt: timestamp().was('createdAt').addedLater(),
    wasStatus: varchar().was('status').addedLater(),
    wasStatusRank: integer().was('statusRank').addedLater(),
  },
  { key: ['orderId'], onConflict: 'merge' },
);

export const orderLines = table(
  'order_lines',
  {
    orderId: varchar(),
    lineNo: integer(),
    sku: varchar(),
    name: varchar(),
    quantity: integer(),
    net: bigint(),
    tax: bigint(),
  },
  // By order alone: the `order` query reads an order's lines (olap/queries.ts projectedOrder).
  { key: ['orderId', 'lineNo'], onConflict: 'keep', indexes: ['orderId'] },
);

/** As issued, with what was paid and credited so far (each event carries the running total). */
export const invoices = table(
  'invoices',
  {
    invoiceId: varchar(),
    number: varchar().nullable(),
    orderId: varchar().nullable(),
    customerId: varchar().nullable(),
    customerName: varchar().nullable(),
    issueDate: date().nullable(),
    dueDate: date().nullable(),
    currency: varchar().nullable(),
    total: bigint().nullable(),
    amountPaid: bigint().max(),
    credited: bigint().max(),
    paidAt: timestamp().nullable().max(),
    // What the row counted for in the receivables rollup before the latest batch changed it.
    wasIssueDate: date().was('issueDate').addedLater(),
    wasDueDate: date().was('dueDate').addedLater(),
    wasCurrency: varchar().was('currency').addedLater(),
    wasTotal: bigint().was('total').addedLater(),
    wasAmountPaid: bigint().was('amountPaid').addedLater(),
    wasCredited: bigint().was('credited').addedLater(),
  },
  { key: ['invoiceId'], onConflict: 'merge' },
);

export const payments = table(
  'payments',
  {
    paymentId: varchar(),
    invoiceId: varchar(),
    orderId: varchar(),
    currency: varchar(),
    amount: bigint(),
    receivedAt: timestamp(),
  },
  { key: ['paymentId'], onConflict: 'keep' },
);

/**
 * Levels win by movement version: publishes of two transactions on one sku may reach the stream in
 * either order, the movement id (taken under the sku's row lock) orders them. The name wins by stream
 * sequence (a rename is a product_upserted).
 */
export const stock = table(
  'stock',
  {
    sku: varchar(),
    name: varchar().nullable().newest('nameSeq'),
    nameSeq: bigint().newest('nameSeq'),
    onHand: bigint().newest('version'),
    reserved: bigint().newest('version'),
    version: bigint().newest('version'),
  },
  { key: ['sku'], onConflict: 'merge' },
);

/**
 * The record's version wins (an older snapshot republished after the dedupe window loses); between
 * equal versions (version 1 events carry none: 0) the later stream sequence.
 */
const byRecord = ['version', 'seq'];
export const employees = table(
  'employees',
  {
    employeeId: varchar(),
    name: varchar().newest(...byRecord),
    department: varchar().newest(...byRecord),
    title: varchar().newest(...byRecord),
    salary: bigint().newest(...byRecord),
    currency: varchar().newest(...byRecord),
    status: varchar().newest(...byRecord),
    seq: bigint().newest(...byRecord),
    // hr.employees.version of the snapshot; rows of files made before it was carried rank as version 0.
    version: bigint()
      .default(0)
      .addedLater()
      .newest(...byRecord),
  },
  { key: ['employeeId'], onConflict: 'merge' },
);

/**
 * Every event naming an order, as published, for order_timeline: one row per (order, stream
 * sequence), so a redelivery or a rebuild writes the same row. `data` is the event's data as JSON text.
 */
export const orderEvents = table(
  'order_events',
  {
    orderId: varchar(),
    seq: bigint(),
    id: varchar().named('event_id'),
    type: varchar(),
    occurredAt: varchar(),
    actor: varchar(),
    causationId: varchar().nullable(),
    correlationId: varchar(),
    data: varchar(),
  },
  // By order alone: order_timeline reads an order's events (olap/queries.ts orderTimeline).
  { key: ['orderId', 'seq'], onConflict: 'keep', appendOnly: true, indexes: ['orderId'] },
);
