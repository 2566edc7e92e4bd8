import { canMove, moveCausedBy } from '../domain/order-lifecycle.js';
import type { Shortage } from '../domain/stock.js';
import type { Envelope } from '../events/envelope.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { lockOrder, setStatus, type OrderRow } from './order-store.js';

// Keeps the order's status in step with what inventory and billing do, by the lifecycle table, inside
// the transaction that does it: reserve-stock, create-invoice and record-payment call these in their
// own UnitOfWork with the fact they just raised, so the move, its history row and order_status_changed
// (and order_rejected) commit with that fact and name it as their cause, with no reaction of their own
// in between (no hop, no process, no commit). A stale or repeated fact leaves the status alone
// (canMove), but facts it carries (invoice id, amount paid) still land, only ever growing.
//
// Lock order: the caller locks the order row (lockOrderForMove) after its own per-order locks (the
// advisory lock on the order id, the reservation row, the invoice row) and before any row every order
// shares (stock levels, number counters, ledger), and writes the move last. Nothing locks the order row
// and then one of those, so no two transactions wait on each other in a circle.

export { lockOrder as lockOrderForMove };

async function moveBy(uow: UnitOfWork, order: OrderRow, fact: Envelope, invoiceStatus?: string, reason?: string) {
  const to = moveCausedBy(fact.type, invoiceStatus);
  if (!to || !canMove(order.status, to).ok) return false;
  await setStatus(uow, order, to, fact.type, reason, fact);
  return true;
}

/** Stock reserved for the order: `fact` is its stock_reserved, raised in this unit. */
export async function orderReserved(uow: UnitOfWork, order: OrderRow | undefined, fact: Envelope) {
  if (order) await moveBy(uow, order, fact);
}

/** The order's stock could not be reserved (`fact`: its stock_reservation_failed): a still pending order
 *  is rejected, and order_rejected says why. */
export async function orderRejected(uow: UnitOfWork, order: OrderRow | undefined, fact: Envelope, shortages: Shortage[]) {
  if (!order) return;
  const reason = `insufficient stock: ${shortages.map((s) => `${s.sku} (wanted ${s.requested}, available ${s.available})`).join(', ')}`;
  if (await moveBy(uow, order, fact, undefined, reason)) {
    uow.emit('order_rejected', { orderId: order.id, customerId: order.customerId, reason, shortages }, fact);
  }
}

/** The order's invoice issued (`fact`: its invoice_created). */
export async function orderInvoiced(uow: UnitOfWork, order: OrderRow | undefined, fact: Envelope, invoiceId: string) {
  if (!order) return;
  await uow.tx.query('update orders.orders set invoice_id = $2, updated_at = now() where id = $1', [order.id, invoiceId]);
  order.invoiceId = invoiceId;
  await moveBy(uow, order, fact);
}

/** A payment on the order's invoice (`fact`: its payment_received). */
export async function orderPaid(
  uow: UnitOfWork,
  order: OrderRow | undefined,
  fact: Envelope,
  paid: { invoiceId: string; amountPaid: number; invoiceStatus: string },
) {
  if (!order) return;
  // Amount paid only grows: it is the invoice's running total, which a credit note or refund never lowers.
  await uow.tx.query(
    'update orders.orders set amount_paid = greatest(amount_paid, $2), invoice_id = coalesce(invoice_id, $3), updated_at = now() where id = $1',
    [order.id, paid.amountPaid, paid.invoiceId],
  );
  await moveBy(uow, order, fact, paid.invoiceStatus);
}
