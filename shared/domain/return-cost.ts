import { outflowValue } from './stock-cost.js';

// What goods coming back from an order are worth: the cost they left with, not today's average (a
// return must not book a margin that never happened). The order's shipment of a sku left with some
// quantity at some value; a return restocks its share of that value, computed on the quantity returned
// so far: share(returned after) - value already taken back. So returns in any number of parts add up to
// exactly the shipment's value once all of it is back, and never more, whatever the rounding
// (return-cost.test.ts). Integer minor units of the product's currency.

export interface Shipped {
  /** Units the order's shipment(s) of this sku took out (positive). */
  quantity: number;
  /** The value they took out at cost (positive). */
  value: number;
}

export interface Returned {
  /** Units of this order and sku restocked before this return. */
  quantity: number;
  /** The value those restocks took back. */
  value: number;
}

/** The value `quantity` units restocked now take back; never negative, never past what was shipped. */
export function returnValue(shipped: Shipped, before: Returned, quantity: number): number {
  if (quantity <= 0 || shipped.quantity <= 0) return 0;
  const after = Math.min(before.quantity + quantity, shipped.quantity);
  // The shipment as a level: its share of `after` units, rounded half up, the last unit taking the rest.
  const share = outflowValue({ onHand: shipped.quantity, value: shipped.value }, after);
  return Math.min(Math.max(share - before.value, 0), Math.max(shipped.value - before.value, 0));
}
