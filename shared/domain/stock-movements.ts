// What moves stock and why (inventory.stock_movements.kind and .reason; the stock_changed event). The
// CHECKs on kind and reason are held equal to movementKinds and movementReasons
// (tests/integration/status-constraints.test.ts): a change to either needs a migration.

export const movementKinds = ['receipt', 'reservation', 'release', 'shipment', 'return', 'adjustment'] as const;
export type MovementKind = (typeof movementKinds)[number];

/** Why a person corrects on-hand: a count found a difference, goods broke, were stolen, or an entry was wrong. */
export const adjustmentReasons = ['count', 'damage', 'theft', 'correction'] as const;
export type AdjustmentReason = (typeof adjustmentReasons)[number];

/** Where a receipt came from: a purchase order, none (the roles that received before buying existed), an import's opening stock. */
export const receiptSources = ['purchase_order', 'unordered', 'opening'] as const;

export const movementReasons = [...adjustmentReasons, ...receiptSources] as const;
export type MovementReason = (typeof movementReasons)[number];
