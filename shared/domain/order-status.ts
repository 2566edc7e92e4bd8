// The order's statuses, apart from its lifecycle table (order-lifecycle.ts, which names the registry's
// event types): the event registry derives its status enum from here without importing the table back.

/** The one list of order statuses: the events, the reads' filters, the screens and the dashboard derive
 *  from it, and orders.orders' CHECK is held equal to it (tests/integration/status-constraints.test.ts):
 *  a change here needs a migration. */
export const orderStatuses = ['pending', 'reserved', 'invoiced', 'partially_paid', 'paid', 'fulfilled', 'rejected', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** Orders that were never sold (rejected for stock) or were called off: no booked revenue (the BI
 *  catalogue's measures), greyed on the dashboard's funnel. */
export const unbookedStatuses = ['rejected', 'cancelled'] as const satisfies readonly OrderStatus[];

/** Orders statuses for merges that see events out of order (the projector keeps the highest). */
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
