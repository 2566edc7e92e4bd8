import { AppError } from '../errors.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { AdjustmentReason } from '../domain/stock-movements.js';
import { planAdjustment } from '../domain/stock-adjustment.js';
import { levelView, lockLevels, moveStock, type LevelRow } from './stock.js';

export interface AdjustmentInput {
  sku: string;
  /** Signed, never 0 (the schema refuses it). */
  quantity: number;
  reason: AdjustmentReason;
  /** Only with a positive quantity (the schema refuses it otherwise). */
  unitCost?: number | undefined;
  note?: string | undefined;
}

/**
 * Books one adjustment on a level the caller has locked (lockLevels): the movement, its value at cost
 * and its ledger posting (moveStock: Inventory 1300 against write-offs 5100, either way), and
 * stock_adjusted beside moveStock's stock_changed. Refuses, with nothing written, to take on-hand below
 * reserved: the level row is locked, so a reservation racing it waits and sees the result, or is seen.
 */
export async function adjustLevel(uow: UnitOfWork, level: LevelRow, input: AdjustmentInput & { countId?: string }, path = 'quantity') {
  const plan = planAdjustment(level, input.quantity, input.unitCost);
  if (!plan.ok) {
    throw new AppError('below_reserved', `${level.sku}: ${plan.quantity} would leave ${plan.onHand + plan.quantity} on hand with ${plan.reserved} reserved`, {
      sku: level.sku,
      onHand: plan.onHand,
      reserved: plan.reserved,
      quantity: plan.quantity,
      path,
    });
  }
  const next = await moveStock(uow, level, {
    kind: 'adjustment',
    reason: input.reason,
    onHandDelta: plan.quantityDelta,
    reservedDelta: 0,
    valueDelta: plan.valueDelta,
    note: input.note,
  });
  uow.emit('stock_adjusted', {
    sku: level.sku,
    quantityDelta: plan.quantityDelta,
    reason: input.reason,
    valueDelta: plan.valueDelta,
    currency: level.currency,
    countId: input.countId ?? null,
    note: input.note ?? null,
    movementId: next.movementId,
    adjustedAt: uow.now.toISOString(),
  });
  return { next, quantityDelta: plan.quantityDelta, valueDelta: plan.valueDelta, movementId: next.movementId };
}

/** POST receive-stock/adjustment: a signed correction of one product's on-hand, for a reason. */
export async function adjustStock(uow: UnitOfWork, input: AdjustmentInput) {
  const levels = await lockLevels(uow.tx, [{ sku: input.sku, quantity: Math.abs(input.quantity) }]);
  const level = levels.get(input.sku);
  if (!level) throw new AppError('unknown_sku', `no product with sku ${input.sku}`, { sku: input.sku, path: 'sku' });
  const done = await adjustLevel(uow, level, input);
  return { ...levelView(done.next), quantityDelta: done.quantityDelta, valueDelta: done.valueDelta, movementId: done.movementId };
}
