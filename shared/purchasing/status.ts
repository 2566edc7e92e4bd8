import type { UnitOfWork } from '../unit-of-work.js';
import { lockPurchaseOrder, stepOrRefuse } from './store.js';
import { readPurchaseOrder } from './read.js';

/** The draft goes to the supplier (its PDF and e-mail are render-document's, on purchase_order_sent). */
export async function sendPurchaseOrder(uow: UnitOfWork, input: { purchaseOrderId: string }) {
  const order = await lockPurchaseOrder(uow.tx, input.purchaseOrderId);
  const to = stepOrRefuse(order, 'send');
  await uow.tx.query('update inventory.purchase_orders set status = $2, sent_at = $3, updated_at = $3 where id = $1', [order.id, to, uow.now]);
  uow.emit('purchase_order_sent', { purchaseOrderId: order.id, number: order.number, supplierId: order.supplierId, sentAt: uow.now.toISOString() });
  return (await readPurchaseOrder(uow.tx, order.id))!;
}

/** Ends an order not fully received: what came in stays in stock and in the books, the rest is no longer on order. */
export async function cancelPurchaseOrder(uow: UnitOfWork, input: { purchaseOrderId: string; reason?: string | undefined }) {
  const order = await lockPurchaseOrder(uow.tx, input.purchaseOrderId);
  const to = stepOrRefuse(order, 'cancel');
  await uow.tx.query('update inventory.purchase_orders set status = $2, cancel_reason = $3, cancelled_at = $4, updated_at = $4 where id = $1', [
    order.id,
    to,
    input.reason ?? null,
    uow.now,
  ]);
  uow.emit('purchase_order_cancelled', {
    purchaseOrderId: order.id,
    number: order.number,
    supplierId: order.supplierId,
    previousStatus: order.status,
    cancelledAt: uow.now.toISOString(),
  });
  return (await readPurchaseOrder(uow.tx, order.id))!;
}
