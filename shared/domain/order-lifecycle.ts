// The order's lifecycle as a table. Events of one order reach us through different consumers in any
// order, so a reaction moves the status only forward (by rank) and never out of a final state.

export const orderStatuses = ['pending', 'reserved', 'invoiced', 'partially_paid', 'paid', 'fulfilled', 'rejected', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export const rank: Record<OrderStatus, number> = {
  pending: 0,
  reserved: 1,
  invoiced: 2,
  partially_paid: 3,
  paid: 4,
  fulfilled: 5,
  rejected: 100,
  cancelled: 100,
};

const finalStatuses: ReadonlySet<OrderStatus> = new Set(['rejected', 'cancelled']);

export type Transition = { ok: true; to: OrderStatus } | { ok: false; reason: string };

/** Whether an event-driven status change applies; stale or backward moves are refused with a reason. */
export function advance(from: OrderStatus, to: OrderStatus): Transition {
  if (finalStatuses.has(from)) return { ok: false, reason: `the order is ${from}` };
  if (from === 'fulfilled') return { ok: false, reason: 'the order is fulfilled' };
  if (to === 'rejected' && from !== 'pending') return { ok: false, reason: `only a pending order can be rejected, it is ${from}` };
  if (rank[to] <= rank[from]) return { ok: false, reason: `${to} is not after ${from}` };
  return { ok: true, to };
}

/** A user cancels anything not yet shipped nor already ended. */
export function canCancel(from: OrderStatus): Transition {
  if (from === 'fulfilled' || finalStatuses.has(from)) return { ok: false, reason: `a ${from} order cannot be cancelled` };
  return { ok: true, to: 'cancelled' };
}

/** Goods leave once stock is reserved; payment may come before or after (payment terms). */
export function canFulfil(from: OrderStatus): Transition {
  if (from === 'pending') return { ok: false, reason: 'stock is not reserved yet' };
  if (from === 'fulfilled' || finalStatuses.has(from)) return { ok: false, reason: `a ${from} order cannot be fulfilled` };
  return { ok: true, to: 'fulfilled' };
}

/** The order status a billing state implies. */
export function statusForInvoice(invoiceStatus: string): OrderStatus | undefined {
  if (invoiceStatus === 'paid') return 'paid';
  if (invoiceStatus === 'partially_paid') return 'partially_paid';
  if (invoiceStatus === 'open') return 'invoiced';
  return undefined;
}
