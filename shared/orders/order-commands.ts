import { AppError } from '../errors.js';
import { canMove } from '../domain/order-lifecycle.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { mustLockOrder, setStatus } from './order-store.js';

export async function cancelOrder(uow: UnitOfWork, input: { id: string; reason?: string | undefined }) {
  const order = await mustLockOrder(uow.tx, input.id);
  const step = canMove(order.status, 'cancelled');
  if (!step.ok) throw new AppError(step.code, step.message, { status: order.status });
  const previous = order.status;
  await setStatus(uow, order, 'cancelled', 'cancel-order', input.reason);
  uow.emit('order_cancelled', {
    orderId: order.id,
    customerId: order.customerId,
    previousStatus: previous,
    reason: input.reason ?? null,
    invoiceId: order.invoiceId,
  });
  return { id: order.id, status: order.status };
}

export async function fulfilOrder(uow: UnitOfWork, input: { id: string }) {
  const order = await mustLockOrder(uow.tx, input.id);
  const step = canMove(order.status, 'fulfilled');
  if (!step.ok) throw new AppError(step.code, step.message, { status: order.status });
  await setStatus(uow, order, 'fulfilled', 'fulfil-order');
  uow.emit('order_fulfilled', { orderId: order.id, customerId: order.customerId });
  return { id: order.id, status: order.status };
}
