import { AppError } from '../errors.js';
import type { Tx } from '../db/pool.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { lockOrder, type Wanted } from '../domain/stock.js';

export interface LevelRow {
  sku: string;
  name: string;
  onHand: number;
  reserved: number;
}

export type MovementKind = 'receipt' | 'reservation' | 'release' | 'shipment' | 'return';

/** Locks the level rows of these skus in a fixed order (no deadlocks) and returns them by sku. */
export async function lockLevels(tx: Tx, wanted: Wanted[]): Promise<Map<string, LevelRow>> {
  const skus = lockOrder(wanted);
  const { rows } = await tx.query<{ sku: string; name: string; on_hand: number; reserved: number }>(
    `select s.sku, p.name, s.on_hand, s.reserved from inventory.stock_levels s join inventory.products p using (sku)
     where s.sku = any($1) order by s.sku for update of s`,
    [skus],
  );
  return new Map(rows.map((r) => [r.sku, { sku: r.sku, name: r.name, onHand: r.on_hand, reserved: r.reserved }]));
}

/**
 * The only way stock changes: a movement row and the counters, in the caller's transaction, with a
 * stock_changed event carrying the new absolute levels (so projections need no read-back) and the
 * movement id, which orders the levels of one sku even when publishes reach the stream out of order.
 */
export async function moveStock(
  uow: UnitOfWork,
  level: LevelRow,
  move: { kind: MovementKind; onHandDelta: number; reservedDelta: number; orderId?: string; note?: string | undefined },
): Promise<LevelRow> {
  const movement = await uow.tx.query<{ id: number }>(
    `insert into inventory.stock_movements (sku, kind, on_hand_delta, reserved_delta, order_id, note) values ($1, $2, $3, $4, $5, $6) returning id`,
    [level.sku, move.kind, move.onHandDelta, move.reservedDelta, move.orderId ?? null, move.note ?? null],
  );
  const next = { ...level, onHand: level.onHand + move.onHandDelta, reserved: level.reserved + move.reservedDelta };
  await uow.tx.query('update inventory.stock_levels set on_hand = $2, reserved = $3 where sku = $1', [level.sku, next.onHand, next.reserved]);
  uow.emit('stock_changed', {
    sku: level.sku, name: level.name, onHand: next.onHand, reserved: next.reserved, available: next.onHand - next.reserved, reason: move.kind,
    orderId: move.orderId ?? null, movementId: movement.rows[0]!.id,
  });
  return next;
}

export function levelView(l: LevelRow) {
  return { sku: l.sku, onHand: l.onHand, reserved: l.reserved, available: l.onHand - l.reserved };
}

export async function receiveStock(uow: UnitOfWork, input: { sku: string; quantity: number; note?: string | undefined }) {
  const levels = await lockLevels(uow.tx, [input]);
  const level = levels.get(input.sku);
  if (!level) throw new AppError('unknown_sku', `no product with sku ${input.sku}`, { sku: input.sku, path: 'sku' });
  const next = await moveStock(uow, level, { kind: 'receipt', onHandDelta: input.quantity, reservedDelta: 0, note: input.note });
  return levelView(next);
}
