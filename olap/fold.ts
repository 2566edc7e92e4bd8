import { parseEvent, type Envelope, type Event } from '../shared/events/envelope.js';
import { rank, statusAnnouncedBy, type OrderStatus } from '../shared/domain/order-lifecycle.js';
import type { SeqEvent } from './seq-event.js';
import { addToTimeline } from './timeline.js';
import { foldBuying } from './buying-fold.js';
import { emptyBatch, type Batch } from './schema.js';
import type { Row } from './tables/declare.js';
import type { invoices, orders } from './tables/facts.js';

// Folding a batch of events into row changes. Each event is read by the registry (shared/events/registry.ts);
// one that does not match is skipped. An order's status is the highest-ranked status any event
// announces by the lifecycle table (shared/domain/order-lifecycle.ts): the facts themselves
// (stock_reserved, invoice_created, payment_received) as well as the order's own events. Every move in
// Postgres goes up in rank, so the highest rank seen is the status Postgres ends in; taking it from the
// facts keeps it whichever of an order's events comes first. Rejection is taken from order_rejected, not from the
// reservation failure: that may lose to a cancel, and both rank as final.
//
// Every merge is commutative and idempotent (max rank, max amount, newest version), declared once per
// table (olap/tables/): the same rule in SQL merges a change into what is stored, and the order in
// which events of one order arrive does not matter.

// Where a stream message is read (olap/seq-event.ts), re-exported for the fold's callers.
export { toSeqEvent, type SeqEvent } from './seq-event.js';

export type OrderChange = Row<typeof orders>;
export type InvoiceChange = Row<typeof invoices>;

/** A batch's row changes: one collection per fact table (olap/schema.ts), merged by each table's
 *  declared rules as they are put, so the upsert merges them into the stored rows by the same rules. */
export interface BatchChanges extends Batch {
  /** Events that were folded into the fact tables (others are of no interest to the aggregates or malformed;
   *  the timeline keeps every event naming an order, whatever these counters say). */
  used: number;
  ignored: number;
}

export function emptyChanges(): BatchChanges {
  return { ...emptyBatch(), used: 0, ignored: 0 };
}

function orderPart(orderId: string, seq: number, at: string, part: Partial<OrderChange>): OrderChange {
  return {
    orderId,
    customerId: null,
    customerName: null,
    currency: null,
    subtotal: null,
    tax: null,
    total: null,
    createdAt: null,
    status: 'pending',
    statusRank: -1,
    amountPaid: 0,
    invoiceId: null,
    updatedAt: at,
    lastSeq: seq,
    ...part,
  };
}

function invoicePart(invoiceId: string, part: Partial<InvoiceChange>): InvoiceChange {
  return {
    invoiceId,
    number: null,
    orderId: null,
    customerId: null,
    customerName: null,
    issueDate: null,
    dueDate: null,
    currency: null,
    total: null,
    amountPaid: 0,
    credited: 0,
    paidAt: null,
    ...part,
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
  const bought = foldBuying(into, seq, event);
  const o = (c: OrderChange) => into.orders.put(c);
  const i = (c: InvoiceChange) => into.invoices.put(c);
  // The status the lifecycle table says this event announces, for the events that carry no more than that.
  const announced = (orderId: string) => {
    const to = statusAnnouncedBy(event.type);
    if (to) o(moveTo(orderId, seq, at, to));
    return to !== undefined;
  };
  switch (event.type) {
    case 'order_created': {
      const v = event.data;
      o(
        orderPart(v.orderId, seq, at, {
          customerId: v.customerId,
          customerName: v.customerName,
          currency: v.currency,
          subtotal: v.subtotal,
          tax: v.tax,
          total: v.total,
          createdAt: v.createdAt,
          status: 'pending',
          statusRank: rank.pending,
        }),
      );
      v.lines.forEach((l, n) => into.lines.put({ orderId: v.orderId, lineNo: n + 1, sku: l.sku, name: l.name, quantity: l.quantity, net: l.net, tax: l.tax }));
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
      i(
        invoicePart(v.invoiceId, {
          number: v.number,
          orderId: v.orderId,
          customerId: v.customerId,
          customerName: v.customerName,
          issueDate: v.issueDate,
          dueDate: v.dueDate,
          currency: v.currency,
          total: v.total,
        }),
      );
      o({ ...moveTo(v.orderId, seq, at, statusAnnouncedBy(event.type)), invoiceId: v.invoiceId });
      return true;
    }
    case 'payment_received': {
      const v = event.data;
      into.payments.put({
        paymentId: v.paymentId,
        invoiceId: v.invoiceId,
        orderId: v.orderId,
        currency: v.currency,
        amount: v.amount,
        receivedAt: v.receivedAt,
      });
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
      // The movement id orders the levels (olap/tables/facts.ts, stock).
      into.stock.put({ sku: v.sku, name: v.name, nameSeq: seq, onHand: v.onHand, reserved: v.reserved, version: v.movementId });
      return true;
    }
    case 'product_upserted':
      into.stock.put({ sku: event.data.sku, name: event.data.name, nameSeq: seq, onHand: 0, reserved: 0, version: 0 });
      return true;
    case 'employee_hired':
    case 'employee_updated':
    case 'employee_terminated': {
      const v = event.data;
      into.employees.put({
        employeeId: v.employeeId,
        name: v.name,
        department: v.department,
        title: v.title,
        salary: v.salary,
        currency: v.currency,
        status: v.status,
        version: v.version,
        seq,
      });
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
