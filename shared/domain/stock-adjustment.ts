import { incomingUnitCost, valueDelta, type Valued } from './stock-cost.js';

// An adjustment (or a count's difference) corrects on-hand by a signed quantity. It may never take
// on-hand below what is reserved for orders: those goods are promised, so a loss that eats into them is
// refused and the person must cancel or reduce an order first. Its value at cost: goods going out take
// their share at average cost (stock-cost.ts); goods found come in at the unit cost given, else the
// shelf's average, else the last receipt's unit cost, else nothing (an empty shelf never received).

export interface AdjustableLevel extends Valued {
  reserved: number;
  lastUnitCost: number | null;
}

export type AdjustmentPlan =
  { ok: true; quantityDelta: number; valueDelta: number } | { ok: false; code: 'below_reserved'; onHand: number; reserved: number; quantity: number };

export function planAdjustment(level: AdjustableLevel, quantity: number, unitCost?: number): AdjustmentPlan {
  if (level.onHand + quantity < level.reserved) {
    return { ok: false, code: 'below_reserved', onHand: level.onHand, reserved: level.reserved, quantity };
  }
  return { ok: true, quantityDelta: quantity, valueDelta: valueDelta(level, quantity, incomingUnitCost(level, unitCost)) };
}
