import { envelopeSchema, parseEvent, type Envelope, type Event } from '../shared/events/envelope.js';
import { rank, statusAnnouncedBy, type OrderStatus } from '../shared/domain/order-lifecycle.js';
import { addToTimeline, type TimelineRow } from './timeline.js';
import { emptyBuying, foldBuying, type BuyingChanges } from './buying-fold.js';

// Folding a batch of events into row changes. Each event is read by the registry (shared/events/registry.ts);
// one that does not match is skipped. An order's status is the highest-ranked status any event
// announces by the lifecycle table (shared/domain/order-lifecycle.ts): the facts themselves
// (stock_reserved, invoice_created, payment_received) as well as the order's own events. Every move in
// Postgres goes up in rank, so the highest rank seen is the status Postgres ends in; taking it from the
// facts saves the hop through sync-order-status. Rejection is taken from order_rejected, not from the
// reservation failure: that may lose to a cancel, and both rank as final.
//
// Every merge is commutative and idempotent (max rank, max amount, newest version), so the same rule
// in SQL merges a change into what is stored, and the order in which events of one order arrive does
// not matter.

/** A stream message: its sequence and its event, or null when it is not a valid envelope (skipped, but
 *  its sequence still counts toward the watermark, so one bad message never blocks the feed). */
export interface SeqEvent {
  seq: number;
  event: Envelope | null;
}

export function toSeqEvent(seq: number, payload: unknown): SeqEvent {
  const parsed = envelopeSchema.safeParse(payload);
  return { seq, event: parsed.success ? parsed.data : null };
}

export interface OrderChange {
  orderId: string;
  customerId: string | null;
  customerName: string | null;
  currency: string | null;
  subtotal: number | null;
  tax: number | null;
  total: number | null;
  createdAt: string | null;
  status: OrderStatus;
  statusRank: number;
  amountPaid: number;
  invoiceId: string | null;
  updatedAt: string;
  lastSeq: number;
}

export interface LineRow {
  orderId: string;
  lineNo: number;
  sku: string;
  name: string;
  quantity: number;
  net: number;
  tax: number;
}

export interface InvoiceChange {
  invoiceId: string;
  number: string | null;
  orderId: string | null;
  customerId: string | null;
  customerName: string | null;
  issueDate: string | null;
  dueDate: string | null;
  currency: string | null;
  total: number | null;
  amountPaid: number;
  credited: number;
  paidAt: string | null;
}

export interface PaymentRow {
  paymentId: string;
  invoiceId: string;
  orderId: string;
  currency: string;
  amount: number;
  receivedAt: string;
}

/** Levels win by movement version; the name by stream sequence (a rename is a product_upserted). */
export interface StockChange {
  sku: string;
  name: string | null;
  nameSeq: number;
  onHand: number;
  reserved: number;
  version: number;
}

/** The record's version wins (an older snapshot redelivered late loses); among version-less (version 1)
 *  events, which all carry version 0, the stream sequence. */
export interface EmployeeChange {
  employeeId: string;
  name: string;
  department: string;
  title: string;
  salary: number;
  currency: string;
  status: string;
  version: number;
  seq: number;
}

export interface BatchChanges {
  orders: Map<string, OrderChange>;
  lines: LineRow[];
  invoices: Map<string, InvoiceChange>;
  payments: PaymentRow[];
  stock: Map<string, StockChange>;
  employees: Map<string, EmployeeChange>;
  /** Rows of the order timelines, by `seq:orderId` (one per event and order it names). */
  timeline: Map<string, TimelineRow>;
  /** The facts behind margin, inventory value, purchase spend and stock on order (olap/buying-fold.ts). */
  buying: BuyingChanges;
  /** Events that were folded into the fact tables (others are of no interest to the aggregates or malformed;
   *  the timeline keeps every event naming an order, whatever these counters say). */
  used: number;
  ignored: number;
}

export function emptyChanges(): BatchChanges {
  return { orders: new Map(), lines: [], invoices: new Map(), payments: [], stock: new Map(), employees: new Map(), timeline: new Map(), buying: emptyBuying(), used: 0, ignored: 0 };
}

const max = (a: number, b: number) => (a > b ? a : b);
const maxIso = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a > b ? a : b);

export function mergeOrder(a: OrderChange, b: OrderChange): OrderChange {
  const later = b.statusRank > a.statusRank ? b : a;
  return {
    orderId: a.orderId,
    customerId: a.customerId ?? b.customerId,
    customerName: a.customerName ?? b.customerName,
    currency: a.currency ?? b.currency,
    subtotal: a.subtotal ?? b.subtotal,
    tax: a.tax ?? b.tax,
    total: a.total ?? b.total,
    createdAt: a.createdAt ?? b.createdAt,
    status: later.status,
    statusRank: later.statusRank,
    amountPaid: max(a.amountPaid, b.amountPaid),
    invoiceId: a.invoiceId ?? b.invoiceId,
    updatedAt: maxIso(a.updatedAt, b.updatedAt)!,
    lastSeq: max(a.lastSeq, b.lastSeq),
  };
}

export function mergeInvoice(a: InvoiceChange, b: InvoiceChange): InvoiceChange {
  return {
    invoiceId: a.invoiceId,
    number: a.number ?? b.number,
    orderId: a.orderId ?? b.orderId,
    customerId: a.customerId ?? b.customerId,
    customerName: a.customerName ?? b.customerName,
    issueDate: a.issueDate ?? b.issueDate,
    dueDate: a.dueDate ?? b.dueDate,
    currency: a.currency ?? b.currency,
    total: a.total ?? b.total,
    amountPaid: max(a.amountPaid, b.amountPaid),
    credited: max(a.credited, b.credited),
    paidAt: maxIso(a.paidAt, b.paidAt),
  };
}

export function mergeStock(a: StockChange, b: StockChange): StockChange {
  const levels = b.version > a.version ? b : a;
  const named = b.nameSeq > a.nameSeq ? b : a;
  return { sku: a.sku, name: named.name, nameSeq: named.nameSeq, onHand: levels.onHand, reserved: levels.reserved, version: levels.version };
}

export function mergeEmployee(a: EmployeeChange, b: EmployeeChange): EmployeeChange {
  const newer = b.version > a.version || (b.version === a.version && b.seq > a.seq);
  return newer ? b : a;
}

function put<T>(map: Map<string, T>, key: string, value: T, merge: (a: T, b: T) => T) {
  const prev = map.get(key);
  map.set(key, prev ? merge(prev, value) : value);
}

function orderPart(orderId: string, seq: number, at: string, part: Partial<OrderChange>): OrderChange {
  return {
    orderId, customerId: null, customerName: null, currency: null, subtotal: null, tax: null, total: null, createdAt: null,
    status: 'pending', statusRank: -1, amountPaid: 0, invoiceId: null, updatedAt: at, lastSeq: seq, ...part,
  };
}

function invoicePart(invoiceId: string, part: Partial<InvoiceChange>): InvoiceChange {
  return {
    invoiceId, number: null, orderId: null, customerId: null, customerName: null, issueDate: null, dueDate: null, currency: null,
    total: null, amountPaid: 0, credited: 0, paidAt: null, ...part,
  };
}

/** An order's change by one event: to the status it announces, or no status (rank -1, never wins a merge). */
const moveTo = (orderId: string, seq: number, at: string, to: OrderStatus | undefined) =>
  orderPart(orderId, seq, at, to ? { status: to, statusRank: rank[to] } : {});

/** The event with its data read by the registry, or null when it does not match (skipped, like a bad envelope). */
function readEvent(envelope: Envelope): Event | null {
  try {
    return parseEvent(envelope);
  } catch {
    return null;
  }
}

/** Adds one event's effect to `into`; false when the event means nothing to the projection. */
export function foldEvent(into: BatchChanges, { seq, event: envelope }: SeqEvent): boolean {
  const event = envelope && readEvent(envelope);
  if (!event) return false;
  const at = event.occurredAt;
  // The buying facts first: some of their events (goods_received, purchase orders) mean nothing below.
  const bought = foldBuying(into.buying, seq, event);
  const o = (c: OrderChange) => put(into.orders, c.orderId, c, mergeOrder);
  const i = (c: InvoiceChange) => put(into.invoices, c.invoiceId, c, mergeInvoice);
  // The status the lifecycle table says this event announces, for the events that carry no more than that.
  const announced = (orderId: string) => {
    const to = statusAnnouncedBy(event.type);
    if (to) o(moveTo(orderId, seq, at, to));
    return to !== undefined;
  };
  switch (event.type) {
    case 'order_created': {
      const v = event.data;
      o(orderPart(v.orderId, seq, at, {
        customerId: v.customerId, customerName: v.customerName, currency: v.currency, subtotal: v.subtotal, tax: v.tax, total: v.total,
        createdAt: v.createdAt, status: 'pending', statusRank: rank.pending,
      }));
      v.lines.forEach((l, n) => into.lines.push({ orderId: v.orderId, lineNo: n + 1, sku: l.sku, name: l.name, quantity: l.quantity, net: l.net, tax: l.tax }));
      return true;
    }
    case 'order_status_changed':
      o(moveTo(event.data.orderId, seq, at, event.data.to));
      return true;
    case 'order_rejected':
    case 'order_cancelled':
    case 'order_fulfilled':
    case 'stock_reserved':
      return announced(event.data.orderId);
    case 'invoice_created': {
      const v = event.data;
      i(invoicePart(v.invoiceId, {
        number: v.number, orderId: v.orderId, customerId: v.customerId, customerName: v.customerName, issueDate: v.issueDate,
        dueDate: v.dueDate, currency: v.currency, total: v.total,
      }));
      o({ ...moveTo(v.orderId, seq, at, statusAnnouncedBy(event.type)), invoiceId: v.invoiceId });
      return true;
    }
    case 'payment_received': {
      const v = event.data;
      into.payments.push({ paymentId: v.paymentId, invoiceId: v.invoiceId, orderId: v.orderId, currency: v.currency, amount: v.amount, receivedAt: v.receivedAt });
      i(invoicePart(v.invoiceId, { orderId: v.orderId, amountPaid: v.amountPaid }));
      o({ ...moveTo(v.orderId, seq, at, statusAnnouncedBy(event.type, v.invoiceStatus)), amountPaid: v.amountPaid, invoiceId: v.invoiceId });
      return true;
    }
    case 'invoice_paid':
      i(invoicePart(event.data.invoiceId, { paidAt: event.data.paidAt }));
      return true;
    case 'credit_note_issued':
      // The invoice's credited total after the note (a version 1 note credited the invoice in full, so
      // its amount is that total): a partial note lowers the open balance AR aging shows by its amount.
      i(invoicePart(event.data.invoiceId, { credited: event.data.credited }));
      return true;
    case 'stock_changed': {
      const v = event.data;
      // Publishes of two transactions on one sku may reach the stream in either order; the movement id
      // (taken under the sku's row lock) orders them.
      put(into.stock, v.sku, { sku: v.sku, name: v.name, nameSeq: seq, onHand: v.onHand, reserved: v.reserved, version: v.movementId }, mergeStock);
      return true;
    }
    case 'product_upserted':
      put(into.stock, event.data.sku, { sku: event.data.sku, name: event.data.name, nameSeq: seq, onHand: 0, reserved: 0, version: 0 }, mergeStock);
      return true;
    case 'employee_hired':
    case 'employee_updated':
    case 'employee_terminated': {
      const v = event.data;
      put(into.employees, v.employeeId, {
        employeeId: v.employeeId, name: v.name, department: v.department, title: v.title, salary: v.salary, currency: v.currency, status: v.status,
        version: v.version, seq,
      }, mergeEmployee);
      return true;
    }
    default:
      return bought;
  }
}

/** The row changes of a batch; events at or below `watermark` were applied before and are skipped. */
export function foldBatch(events: SeqEvent[], watermark: number): BatchChanges {
  const changes = emptyChanges();
  for (const e of events) {
    if (e.seq <= watermark) continue;
    addToTimeline(changes.timeline, e);
    if (foldEvent(changes, e)) changes.used += 1;
    else changes.ignored += 1;
  }
  return changes;
}
