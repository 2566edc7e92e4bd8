import type { EventType } from '../events/registry.js';
import type { OrderStatus } from './order-status.js';

// The order's lifecycle as data: every move an order can make, from which statuses, and the event
// that causes it. The commands (cancel, fulfil), the status sync (reactions to inventory and billing)
// and the projector all read this table; docs/rules.md shows it.
//
// Events of one order reach us through different consumers in any order, so a move may skip steps
// (a payment can be synced before the invoice is) but never goes back: every move goes up in `rank`,
// and rejected, cancelled and fulfilled are final (tested in order-lifecycle.test.ts).

// The statuses themselves live in order-status.ts, which imports nothing: the event registry takes them
// from there, and this table takes the registry's event types (no circle between the two).
export { orderStatuses, rank, unbookedStatuses, type OrderStatus } from './order-status.js';

export interface Move {
  to: OrderStatus;
  from: readonly OrderStatus[];
  /** The event that causes the move: a fact from inventory or billing, or the order's own event a command raises. */
  on: EventType;
  /** payment_received moves by the invoice's status after the payment. */
  invoiceStatus?: string;
  /** The order's own event that announces the move, where it differs from the cause (the projector reads it:
   *  a reservation failure rejects only a still pending order, and only the order service knows that). */
  announcedBy?: EventType;
  /** The command that raises `on`, for a user's move. */
  command?: 'cancel-order' | 'fulfil-order';
}

const beforeFulfilment = ['pending', 'reserved', 'invoiced', 'partially_paid', 'paid'] as const;

export const lifecycle: readonly Move[] = [
  { to: 'reserved', from: ['pending'], on: 'stock_reserved' },
  { to: 'rejected', from: ['pending'], on: 'stock_reservation_failed', announcedBy: 'order_rejected' },
  { to: 'invoiced', from: ['pending', 'reserved'], on: 'invoice_created' },
  { to: 'partially_paid', from: ['pending', 'reserved', 'invoiced'], on: 'payment_received', invoiceStatus: 'partially_paid' },
  { to: 'paid', from: ['pending', 'reserved', 'invoiced', 'partially_paid'], on: 'payment_received', invoiceStatus: 'paid' },
  // Goods leave once stock is reserved; payment may come before or after (payment terms).
  { to: 'fulfilled', from: ['reserved', 'invoiced', 'partially_paid', 'paid'], on: 'order_fulfilled', command: 'fulfil-order' },
  // A user cancels anything not yet shipped nor already ended.
  { to: 'cancelled', from: beforeFulfilment, on: 'order_cancelled', command: 'cancel-order' },
];

export type Step = { ok: true; to: OrderStatus } | { ok: false; code: 'invalid_transition'; message: string };

/** Whether the table allows `from` -> `to`; a stale, backward or final move is refused with the reason. */
export function canMove(from: OrderStatus, to: OrderStatus): Step {
  const move = lifecycle.find((m) => m.to === to);
  if (move?.from.includes(from)) return { ok: true, to };
  const allowed = move ? `only from ${move.from.join(', ')}` : 'never';
  return { ok: false, code: 'invalid_transition', message: `a ${from} order cannot become ${to} (${to} comes ${allowed})` };
}

/** The target of the move whose `eventOf` is `type` (and, for a payment, whose invoice status matches). */
const moveBy =
  (eventOf: (m: Move) => EventType) =>
  (type: EventType, invoiceStatus?: string): OrderStatus | undefined =>
    lifecycle.find((m) => eventOf(m) === type && (m.invoiceStatus === undefined || m.invoiceStatus === invoiceStatus))?.to;

/** The status an event moves an order to (the cause column), if any. */
export const moveCausedBy = moveBy((m) => m.on);

/** The status an event in the stream says the order reached: the announcing event where there is one, else
 *  the cause. For the projector, which sees every event and keeps the highest rank. */
export const statusAnnouncedBy = moveBy((m) => m.announcedBy ?? m.on);
