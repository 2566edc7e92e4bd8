// What inventory did with an order's stock (inventory.order_reservations; shared/inventory/reservations.ts):
// reserved every line, or failed (nothing reserved); a reserved order's stock is released on cancel or
// fulfilled (shipped) when the goods leave. cancelled is a tombstone for a cancel that overtook its order.
// The CHECK on status is held equal to this list (tests/integration/status-constraints.test.ts): a change
// here needs a migration.

export const reservationStatuses = ['reserved', 'failed', 'released', 'fulfilled', 'cancelled'] as const;
export type ReservationStatus = (typeof reservationStatuses)[number];
