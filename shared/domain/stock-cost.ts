// Stock at moving weighted average cost, in integer minor units of the product's currency.
//
// A level keeps its quantity and its total value, not a unit cost: the average is value / quantity,
// read when needed. Goods coming in add their cost; goods going out take their share of the value,
// rounded half up, and the last unit out takes exactly what is left. So the value is always the sum of
// the movements' value deltas, never negative, and an empty shelf is worth nothing: no cent appears
// or disappears in rounding (stock-cost.test.ts).

export interface Valued {
  onHand: number;
  value: number;
}

/** What `quantity` units coming in at `unitCost` add. */
export function inflowValue(quantity: number, unitCost: number): number {
  return quantity * unitCost;
}

/** What `quantity` units going out take from the level (a positive amount): their share of the value. */
export function outflowValue(level: Valued, quantity: number): number {
  if (quantity <= 0) return 0;
  if (quantity >= level.onHand) return level.value;
  // value * quantity may pass 2^53; the share is exact in BigInt, then rounded half up.
  const twice = (2n * BigInt(level.value) * BigInt(quantity)) / BigInt(level.onHand);
  return Number((twice + 1n) / 2n);
}

/** The average unit cost, rounded half up; null with nothing on hand. */
export function averageCost(level: Valued): number | null {
  return level.onHand > 0 ? outflowValue(level, 1) : null;
}

/**
 * The unit cost goods coming in are valued at: their own when known, else the shelf's average, else the
 * last receipt's (an empty shelf), else nothing (a shelf that never received anything). An unordered
 * receipt and a positive adjustment both come in this way.
 */
export function incomingUnitCost(level: Valued & { lastUnitCost: number | null }, given?: number): number {
  return given ?? averageCost(level) ?? level.lastUnitCost ?? 0;
}

/** The value delta of a signed quantity change: in at `unitCost` when positive, out at average when negative. */
export function valueDelta(level: Valued, quantityDelta: number, unitCost: number): number {
  return quantityDelta >= 0 ? inflowValue(quantityDelta, unitCost) : -outflowValue(level, -quantityDelta);
}
