// Reservation is all or nothing: either every line fits in what is available, or nothing is reserved.

export interface Level {
  sku: string;
  onHand: number;
  reserved: number;
}

export interface Wanted {
  sku: string;
  quantity: number;
}

export interface Shortage {
  sku: string;
  requested: number;
  available: number;
}

export type ReservationPlan = { ok: true } | { ok: false; shortages: Shortage[] };

export function planReservation(levels: Map<string, Level>, wanted: Wanted[]): ReservationPlan {
  const shortages: Shortage[] = [];
  for (const w of wanted) {
    const level = levels.get(w.sku);
    const available = level ? level.onHand - level.reserved : 0;
    if (w.quantity > available) shortages.push({ sku: w.sku, requested: w.quantity, available });
  }
  return shortages.length === 0 ? { ok: true } : { ok: false, shortages };
}

/** Lines are locked in sku order, the same order in every transaction, so two reservations never deadlock. */
export function lockOrder(wanted: Wanted[]): string[] {
  return [...new Set(wanted.map((w) => w.sku))].sort();
}
