import type { Envelope } from '../events/envelope.js';
import { invoiceCreated, orderRef, paymentReceived, reservationFailed } from '../events/payloads.js';
import { advance, statusForInvoice, type OrderStatus } from '../domain/order-lifecycle.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { lockOrder, setStatus, type OrderRow } from './order-store.js';

// Keeps the order's status in step with what inventory and billing report. A stale or repeated
// event leaves the status alone (ranks), but facts it carries (invoice id, amount paid) still land.

async function moveForward(uow: UnitOfWork, order: OrderRow, to: OrderStatus | undefined, cause: string, reason?: string) {
  if (!to) return false;
  const step = advance(order.status, to);
  if (!step.ok) return false;
  await setStatus(uow, order, step.to, cause, reason);
  return true;
}

export async function onStockReserved(uow: UnitOfWork, event: Envelope) {
  const order = await lockOrder(uow.tx, orderRef.parse(event.data).orderId);
  if (order) await moveForward(uow, order, 'reserved', event.type);
}

export async function onReservationFailed(uow: UnitOfWork, event: Envelope) {
  const data = reservationFailed.parse(event.data);
  const order = await lockOrder(uow.tx, data.orderId);
  if (!order) return;
  const reason = `insufficient stock: ${data.shortages.map((s) => `${s.sku} (wanted ${s.requested}, available ${s.available})`).join(', ')}`;
  if (await moveForward(uow, order, 'rejected', event.type, reason)) {
    uow.emit({ type: 'order_rejected', aggregateType: 'order', aggregateId: order.id, data: { orderId: order.id, customerId: order.customerId, reason, shortages: data.shortages } });
  }
}

export async function onInvoiceCreated(uow: UnitOfWork, event: Envelope) {
  const data = invoiceCreated.parse(event.data);
  const order = await lockOrder(uow.tx, data.orderId);
  if (!order) return;
  await uow.tx.query('update orders.orders set invoice_id = $2, updated_at = now() where id = $1', [order.id, data.invoiceId]);
  order.invoiceId = data.invoiceId;
  await moveForward(uow, order, 'invoiced', event.type);
}

export async function onPaymentReceived(uow: UnitOfWork, event: Envelope) {
  const data = paymentReceived.parse(event.data);
  const order = await lockOrder(uow.tx, data.orderId);
  if (!order) return;
  // Amount paid only grows; payments processed out of order must not lower it.
  await uow.tx.query(
    'update orders.orders set amount_paid = greatest(amount_paid, $2), invoice_id = coalesce(invoice_id, $3), updated_at = now() where id = $1',
    [order.id, data.amountPaid, data.invoiceId],
  );
  await moveForward(uow, order, statusForInvoice(data.invoiceStatus), event.type);
}
