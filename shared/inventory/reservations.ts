import type { Event } from '../events/envelope.js';
import { AppError } from '../errors.js';
import { planReservation } from '../domain/stock.js';
import { outflowValue } from '../domain/stock-cost.js';
import { returnValue } from '../domain/return-cost.js';
import type { ReservationStatus } from '../domain/reservation-lifecycle.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { lockOrderForMove, orderRejected, orderReserved } from '../orders/status-sync.js';
import { lockLevels, moveStock } from './stock.js';

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

/** order_created: reserve every line or none, and move the order (reserved, or rejected) in the same transaction. */
export async function reserveForOrder(uow: UnitOfWork, event: Event<'order_created'>) {
  const order = event.data;
  // Serialise with a cancel of the same order that may be running at this moment.
  await uow.tx.query('select pg_advisory_xact_lock(hashtext($1))', [order.orderId]);
  if (await lockReservation(uow, order.orderId)) return; // already handled, or cancelled before we saw it
  // The order row before the level rows (shared/orders/status-sync.ts): the hot rows are taken last.
  const row = await lockOrderForMove(uow.tx, order.orderId);
  const wanted = order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
  const levels = await lockLevels(uow.tx, wanted);
  const plan = planReservation(levels, wanted);
  if (!plan.ok) {
    await saveReservation(uow, order.orderId, 'failed', []);
    const failed = uow.emit('stock_reservation_failed', { orderId: order.orderId, shortages: plan.shortages });
    await orderRejected(uow, row, failed, plan.shortages);
    return;
  }
  for (const w of wanted) {
    await moveStock(uow, levels.get(w.sku)!, { kind: 'reservation', onHandDelta: 0, reservedDelta: w.quantity, orderId: order.orderId });
  }
  await saveReservation(uow, order.orderId, 'reserved', wanted);
  await orderReserved(uow, row, uow.emit('stock_reserved', order));
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

/** order_fulfilled: the goods leave, so on hand and reserved both drop, taking their share of the value at average cost (COGS). */
export async function shipForOrder(uow: UnitOfWork, event: Event<'order_fulfilled'>) {
  const { orderId } = event.data;
  const reservation = await lockReservation(uow, orderId);
  if (!reservation || reservation.status !== 'reserved') return;
  const levels = await lockLevels(uow.tx, reservation.lines);
  for (const line of reservation.lines) {
    // Read the level again for each line: an order may name one sku on two lines, and the first took value out.
    const level = levels.get(line.sku)!;
    const next = await moveStock(uow, level, {
      kind: 'shipment',
      onHandDelta: -line.quantity,
      reservedDelta: -line.quantity,
      valueDelta: -outflowValue(level, line.quantity),
      orderId,
    });
    levels.set(line.sku, next);
  }
  await saveReservation(uow, orderId, 'fulfilled', reservation.lines);
}

/** What this order's shipments of `sku` took out, and what its restocks have brought back so far. */
async function shippedAndReturned(uow: UnitOfWork, orderId: string, sku: string) {
  const { rows } = await uow.tx.query<{ shipped_q: string; shipped_v: string; returned_q: string; returned_v: string }>(
    `select coalesce(-sum(on_hand_delta) filter (where kind = 'shipment'), 0) as shipped_q, coalesce(-sum(value_delta) filter (where kind = 'shipment'), 0) as shipped_v,
            coalesce(sum(on_hand_delta) filter (where kind = 'return'), 0) as returned_q, coalesce(sum(value_delta) filter (where kind = 'return'), 0) as returned_v
     from inventory.stock_movements where order_id = $1 and sku = $2 and kind in ('shipment', 'return')`,
    [orderId, sku],
  );
  const r = rows[0]!;
  return { shipped: { quantity: Number(r.shipped_q), value: Number(r.shipped_v) }, returned: { quantity: Number(r.returned_q), value: Number(r.returned_v) } };
}

/**
 * goods_returned: restocked lines come back on hand through a movement of kind return, at the cost they
 * left with (shared/domain/return-cost.ts: their share of the order's shipment value, so returning all of
 * it gives back exactly what the shipment took); scrapped ones move no stock and no value. A return can
 * only follow fulfilment, but the shipment is this function's own reaction to order_fulfilled: a return
 * that overtakes it answers not_ready and the connector brings it again, so it is valued once shipped.
 */
export async function restockReturn(uow: UnitOfWork, event: Event<'goods_returned'>) {
  const { orderId, returnId } = event.data;
  const back = event.data.lines.filter((l) => l.disposition === 'restock');
  if (back.length === 0) return;
  // The reservation row first, as shipForOrder locks it: the two serialise and never deadlock.
  const reservation = await lockReservation(uow, orderId);
  if (reservation?.status === 'reserved') throw new AppError('not_ready', `order ${orderId} is not shipped yet; its return is valued once it is`);
  // The level rows serialise returns of one sku, so each reads what the ones before it took back.
  const levels = await lockLevels(uow.tx, back);
  for (const line of back) {
    const { shipped, returned } = await shippedAndReturned(uow, orderId, line.sku);
    const next = await moveStock(uow, levels.get(line.sku)!, {
      kind: 'return',
      onHandDelta: line.quantity,
      reservedDelta: 0,
      valueDelta: returnValue(shipped, returned, line.quantity),
      orderId,
      note: `return ${returnId}: ${line.reason}`,
    });
    levels.set(line.sku, next);
  }
}
