import type { Event } from '../events/envelope.js';
import { canMove, moveCausedBy } from '../domain/order-lifecycle.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { lockOrder, setStatus, type OrderRow } from './order-store.js';

// Keeps the order's status in step with what inventory and billing report, by the lifecycle table. A
// stale or repeated event leaves the status alone, but facts it carries (invoice id, amount paid) still land.

async function moveBy(uow: UnitOfWork, order: OrderRow, event: Event, invoiceStatus?: string, reason?: string) {
  const to = moveCausedBy(event.type, invoiceStatus);
  if (!to || !canMove(order.status, to).ok) return false;
  await setStatus(uow, order, to, event.type, reason);
  return true;
}

export async function onStockReserved(uow: UnitOfWork, event: Event<'stock_reserved'>) {
  const order = await lockOrder(uow.tx, event.data.orderId);
  if (order) await moveBy(uow, order, event);
}

export async function onReservationFailed(uow: UnitOfWork, event: Event<'stock_reservation_failed'>) {
  const { orderId, shortages } = event.data;
  const order = await lockOrder(uow.tx, orderId);
  if (!order) return;
  const reason = `insufficient stock: ${shortages.map((s) => `${s.sku} (wanted ${s.requested}, available ${s.available})`).join(', ')}`;
  if (await moveBy(uow, order, event, undefined, reason)) {
    uow.emit('order_rejected', { orderId: order.id, customerId: order.customerId, reason, shortages });
  }
}

export async function onInvoiceCreated(uow: UnitOfWork, event: Event<'invoice_created'>) {
  const { orderId, invoiceId } = event.data;
  const order = await lockOrder(uow.tx, orderId);
  if (!order) return;
  await uow.tx.query('update orders.orders set invoice_id = $2, updated_at = now() where id = $1', [order.id, invoiceId]);
  order.invoiceId = invoiceId;
  await moveBy(uow, order, event);
}

export async function onPaymentReceived(uow: UnitOfWork, event: Event<'payment_received'>) {
  const data = event.data;
  const order = await lockOrder(uow.tx, data.orderId);
  if (!order) return;
  // Amount paid only grows; payments processed out of order must not lower it.
  await uow.tx.query(
    'update orders.orders set amount_paid = greatest(amount_paid, $2), invoice_id = coalesce(invoice_id, $3), updated_at = now() where id = $1',
    [order.id, data.amountPaid, data.invoiceId],
  );
  await moveBy(uow, order, event, data.invoiceStatus);
}
