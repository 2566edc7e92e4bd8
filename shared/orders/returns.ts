import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../errors.js';
import { planReturn, type ReturnRequestLine, type ShippedLine } from '../domain/returns.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { mustLockOrder } from './order-store.js';

export interface ReturnInput {
  orderId: string;
  lines: ReturnRequestLine[];
}

/**
 * A clerk records goods coming back from a fulfilled order. The order row is locked, so two returns of
 * one order run one after the other and the second sees what the first took back; the line's check
 * (returned <= quantity, migration 013) holds the limit in Postgres too.
 */
export async function recordReturn(uow: UnitOfWork, input: ReturnInput) {
  const order = await mustLockOrder(uow.tx, input.orderId);
  if (order.status !== 'fulfilled') {
    throw new AppError('invalid_transition', `only a fulfilled order's goods can be returned; the order is ${order.status}`, {
      status: order.status,
      path: 'orderId',
    });
  }
  const { rows: shipped } = await uow.tx.query<ShippedLine>(
    'select line_no as "lineNo", sku, name, quantity, returned from orders.order_lines where order_id = $1 order by line_no',
    [order.id],
  );
  const plan = planReturn(shipped, input.lines);
  if (!plan.ok) throw new AppError(plan.code, plan.message, { path: plan.path, ...(plan.available === undefined ? {} : { available: plan.available }) });

  const id = uuidv7();
  await uow.tx.query('insert into orders.returns (id, order_id, returned_at) values ($1, $2, $3)', [id, order.id, uow.now]);
  for (const l of plan.lines) {
    await uow.tx.query('insert into orders.return_lines (return_id, order_id, line_no, quantity, reason, disposition) values ($1, $2, $3, $4, $5, $6)', [
      id,
      order.id,
      l.lineNo,
      l.quantity,
      l.reason,
      l.disposition,
    ]);
    await uow.tx.query('update orders.order_lines set returned = returned + $3 where order_id = $1 and line_no = $2', [order.id, l.lineNo, l.quantity]);
  }
  const lines = plan.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, name: l.name, quantity: l.quantity, reason: l.reason, disposition: l.disposition }));
  uow.emit('goods_returned', { returnId: id, orderId: order.id, customerId: order.customerId, lines, returnedAt: uow.now.toISOString() });
  return { id, orderId: order.id, lines };
}
