import type { Event } from '../events/envelope.js';
import { planReservation } from '../domain/stock.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { lockLevels, moveStock } from './stock.js';

type ReservationStatus = 'reserved' | 'failed' | 'released' | 'fulfilled' | 'cancelled';
interface Reservation {
  status: ReservationStatus;
  lines: { sku: string; quantity: number }[];
}

async function lockReservation(uow: UnitOfWork, orderId: string): Promise<Reservation | undefined> {
  const { rows } = await uow.tx.query<Reservation>('select status, lines from inventory.order_reservations where order_id = $1 for update', [orderId]);
  return rows[0];
}

async function saveReservation(uow: UnitOfWork, orderId: string, status: ReservationStatus, lines: Reservation['lines']) {
  await uow.tx.query(
    `insert into inventory.order_reservations (order_id, status, lines) values ($1, $2, $3)
     on conflict (order_id) do update set status = excluded.status, lines = excluded.lines, updated_at = now()`,
    [orderId, status, JSON.stringify(lines)],
  );
}

/** order_created: reserve every line or none. */
export async function reserveForOrder(uow: UnitOfWork, event: Event<'order_created'>) {
  const order = event.data;
  // Serialise with a cancel of the same order that may be running at this moment.
  await uow.tx.query('select pg_advisory_xact_lock(hashtext($1))', [order.orderId]);
  if (await lockReservation(uow, order.orderId)) return; // already handled, or cancelled before we saw it
  const wanted = order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
  const levels = await lockLevels(uow.tx, wanted);
  const plan = planReservation(levels, wanted);
  if (!plan.ok) {
    await saveReservation(uow, order.orderId, 'failed', []);
    uow.emit('stock_reservation_failed', { orderId: order.orderId, shortages: plan.shortages });
    return;
  }
  for (const w of wanted) {
    await moveStock(uow, levels.get(w.sku)!, { kind: 'reservation', onHandDelta: 0, reservedDelta: w.quantity, orderId: order.orderId });
  }
  await saveReservation(uow, order.orderId, 'reserved', wanted);
  uow.emit('stock_reserved', order);
}

/** order_cancelled: give reserved stock back; leave a tombstone if the order was not seen yet. */
export async function releaseForOrder(uow: UnitOfWork, event: Event<'order_cancelled'>) {
  const { orderId } = event.data;
  await uow.tx.query('select pg_advisory_xact_lock(hashtext($1))', [orderId]);
  const reservation = await lockReservation(uow, orderId);
  if (!reservation) return saveReservation(uow, orderId, 'cancelled', []);
  if (reservation.status !== 'reserved') return;
  const levels = await lockLevels(uow.tx, reservation.lines);
  for (const line of reservation.lines) {
    await moveStock(uow, levels.get(line.sku)!, { kind: 'release', onHandDelta: 0, reservedDelta: -line.quantity, orderId });
  }
  await saveReservation(uow, orderId, 'released', reservation.lines);
  uow.emit('stock_released', { orderId, lines: reservation.lines });
}

/** order_fulfilled: the goods leave, so on hand and reserved both drop. */
export async function shipForOrder(uow: UnitOfWork, event: Event<'order_fulfilled'>) {
  const { orderId } = event.data;
  const reservation = await lockReservation(uow, orderId);
  if (!reservation || reservation.status !== 'reserved') return;
  const levels = await lockLevels(uow.tx, reservation.lines);
  for (const line of reservation.lines) {
    await moveStock(uow, levels.get(line.sku)!, { kind: 'shipment', onHandDelta: -line.quantity, reservedDelta: -line.quantity, orderId });
  }
  await saveReservation(uow, orderId, 'fulfilled', reservation.lines);
}

/** goods_returned: restocked lines come back on hand through a movement of kind return; scrapped ones do not. */
export async function restockReturn(uow: UnitOfWork, event: Event<'goods_returned'>) {
  const { orderId, returnId } = event.data;
  const back = event.data.lines.filter((l) => l.disposition === 'restock');
  if (back.length === 0) return;
  const levels = await lockLevels(uow.tx, back);
  for (const line of back) {
    await moveStock(uow, levels.get(line.sku)!, { kind: 'return', onHandDelta: line.quantity, reservedDelta: 0, orderId, note: `return ${returnId}: ${line.reason}` });
  }
}
