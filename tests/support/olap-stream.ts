import type { Envelope } from '../../shared/events/envelope.js';
import type { EventData, EventType } from '../../shared/events/registry.js';
import type { SeqEvent } from '../../olap/seq-event.js';
import { sampleEvent } from './events.js';

// A short stream that writes a row into every BI table (olap/schema.ts's factTables), with the edges
// the merges are for: a status reached by a fact and by the order's own event, payments in two steps,
// a rename, an order cancelled, an employee hired, updated and terminated, a supplier renamed, a
// purchase order created, received against and cancelled.

const at = (minute: number) => new Date(Date.UTC(2026, 10, 25, 9, minute));
const ev = <K extends EventType>(type: K, data: Partial<EventData<K>>, minute: number): Envelope => sampleEvent(type, data, at(minute));
const o2 = { orderId: 'o2', customerId: 'c2', customerName: 'Bea', currency: 'USD', subtotal: 2000, tax: 0, total: 2000 };

const events: Envelope[] = [
  ev('product_upserted', { sku: 'A', name: 'Apple' }, 0),
  ev('order_created', {}, 1),
  ev('stock_reserved', {}, 2),
  ev('stock_changed', { movementId: 1, onHand: 10, reserved: 2 }, 2),
  ev('order_status_changed', { to: 'reserved' }, 3),
  ev('invoice_created', {}, 4),
  ev('payment_received', { paymentId: 'p1', amount: 500, amountPaid: 500, invoiceStatus: 'partially_paid', receivedAt: at(5).toISOString() }, 5),
  ev('payment_received', { paymentId: 'p2', amount: 700, amountPaid: 1200, invoiceStatus: 'paid', receivedAt: at(6).toISOString() }, 6),
  ev('invoice_paid', { paidAt: at(6).toISOString() }, 6),
  ev('order_fulfilled', {}, 7),
  ev('stock_changed', { movementId: 2, onHand: 8, reserved: 0, reason: 'shipment' }, 7),
  ev('goods_returned', {}, 8),
  ev('credit_note_issued', { amount: 500, credited: 500, returnId: 'rt1', invoiceStatus: 'paid' }, 9),
  ev('product_upserted', { sku: 'A', name: 'Apple (green)' }, 10),
  ev('order_created', o2, 11),
  ev('order_cancelled', { orderId: 'o2', customerId: 'c2' }, 12),
  ev('employee_hired', {}, 13),
  ev('employee_updated', {}, 14),
  ev('employee_terminated', {}, 15),
  ev('supplier_upserted', { name: 'Bohnen AG' }, 16),
  ev('purchase_order_created', {}, 17),
  ev('goods_received', {}, 18),
  ev('purchase_order_cancelled', {}, 19),
  ev('supplier_upserted', {}, 20),
];
export const olapStream: SeqEvent[] = events.map((event, n) => ({ seq: n + 1, event }));
