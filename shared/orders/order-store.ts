import { AppError } from '../errors.js';
import type { Tx } from '../db/pool.js';
import type { OrderStatus } from '../domain/order-lifecycle.js';
import type { Envelope } from '../events/envelope.js';
import type { UnitOfWork } from '../unit-of-work.js';

export interface OrderRow {
  id: string;
  status: OrderStatus;
  customerId: string;
  currency: string;
  total: number;
  amountPaid: number;
  invoiceId: string | null;
}

export async function lockOrder(tx: Tx, id: string): Promise<OrderRow | undefined> {
  const { rows } = await tx.query<OrderRow>(
    `select id, status, customer_id as "customerId", currency, total, amount_paid as "amountPaid", invoice_id as "invoiceId"
     from orders.orders where id = $1 for update`,
    [id],
  );
  return rows[0];
}

export async function mustLockOrder(tx: Tx, id: string): Promise<OrderRow> {
  const order = await lockOrder(tx, id);
  if (!order) throw new AppError('not_found', `no order ${id}`);
  return order;
}

/** Writes a status change with its history row and the order_status_changed event (caused by `causedBy`, an
 *  event of the same unit, when given). */
export async function setStatus(uow: UnitOfWork, order: OrderRow, to: OrderStatus, cause: string, reason?: string, causedBy?: Envelope) {
  await uow.tx.query('update orders.orders set status = $2, reason = coalesce($3, reason), updated_at = now() where id = $1', [order.id, to, reason ?? null]);
  await uow.tx.query('insert into orders.status_history (order_id, status, cause) values ($1, $2, $3)', [order.id, to, cause]);
  uow.emit(
    'order_status_changed',
    {
      orderId: order.id,
      customerId: order.customerId,
      from: order.status,
      to,
      cause,
      currency: order.currency,
      total: order.total,
    },
    causedBy,
  );
  order.status = to;
}
