import { AppError } from '../errors.js';
import { canCancel, canFulfil } from '../domain/order-lifecycle.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { mustLockOrder, setStatus } from './order-store.js';

export async function cancelOrder(uow: UnitOfWork, input: { id: string; reason?: string | undefined }) {
  const order = await mustLockOrder(uow.tx, input.id);
  const step = canCancel(order.status);
  if (!step.ok) throw new AppError('invalid_transition', step.reason, { status: order.status });
  const previous = order.status;
  await setStatus(uow, order, 'cancelled', 'cancel-order', input.reason);
  uow.emit({
    type: 'order_cancelled',
    aggregateType: 'order',
    aggregateId: order.id,
    data: { orderId: order.id, customerId: order.customerId, previousStatus: previous, reason: input.reason ?? null, invoiceId: order.invoiceId },
  });
  return { id: order.id, status: order.status };
}

export async function fulfilOrder(uow: UnitOfWork, input: { id: string }) {
  const order = await mustLockOrder(uow.tx, input.id);
  const step = canFulfil(order.status);
  if (!step.ok) throw new AppError('invalid_transition', step.reason, { status: order.status });
  await setStatus(uow, order, 'fulfilled', 'fulfil-order');
  uow.emit({ type: 'order_fulfilled', aggregateType: 'order', aggregateId: order.id, data: { orderId: order.id, customerId: order.customerId } });
  return { id: order.id, status: order.status };
}
