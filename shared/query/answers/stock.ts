import { z } from 'zod';
import { movementKinds, movementReasons } from '../../domain/stock-movements.js';
import { count, currencyCode, instant, money, page } from './common.js';

// The inventory reads: products, stock levels, a sku's movements, stock at cost, reorder suggestions
// (shared/query/catalogue.ts, movements.ts, valuation.ts; shared/inventory/reorder.ts).

export const product = z.strictObject({
  sku: z.string(),
  name: z.string(),
  unitPrice: money,
  currency: currencyCode,
  taxRateBp: count,
  reorderLevel: count,
  /** Set: the product is exempt from VAT for this reason (its rate is 0). */
  vatExemptionReason: z.string().nullable(),
  preferredSupplierId: z.string().nullable(),
  supplierSku: z.string().nullable(),
  reorderQuantity: count,
});
export const productPage = page(product);

export const stockLevel = z.strictObject({
  sku: z.string(),
  name: z.string(),
  onHand: count,
  reserved: count,
  available: count,
  reorderLevel: count,
  low: z.boolean(),
  /** At cost, minor units of `currency` (the product's). */
  value: money,
  /** Value on hand / on hand; null with nothing on hand. */
  averageCost: z.number().nullable(),
  currency: currencyCode,
  /** Units on purchase orders not yet received (draft, sent, partially received). */
  onOrder: count,
  reorderQuantity: count,
  preferredSupplierId: z.string().nullable(),
});
export const stockPage = page(stockLevel);

export const movement = z.strictObject({
  id: count,
  kind: z.enum(movementKinds),
  onHandDelta: count,
  reservedDelta: count,
  /** At cost, minor units of the product's currency. */
  valueDelta: money,
  reason: z.enum(movementReasons).nullable(),
  orderId: z.string().nullable(),
  purchaseOrderId: z.string().nullable(),
  actor: z.string().nullable(),
  note: z.string().nullable(),
  at: instant,
});
export const movementPage = page(movement);

/** Stock at cost at an instant: per sku, and totals per currency (never added across currencies). */
export const valuation = z.strictObject({
  at: instant,
  items: z.array(z.strictObject({ sku: z.string(), name: z.string(), currency: currencyCode, onHand: count, value: money })),
  totals: z.array(z.strictObject({ currency: currencyCode, value: money })),
});

/** A product due, as a purchase order line would take it (shared/domain/reorder.ts). */
export const reorderLine = z.strictObject({
  sku: z.string(),
  name: z.string(),
  supplierSku: z.string().nullable(),
  available: count,
  onOrder: count,
  reorderLevel: count,
  reorderQuantity: count,
  suggested: count,
  unitCost: z.number().nullable(),
});
export const reorderGroup = z.strictObject({
  /** null: products with no preferred supplier (listed last). */
  supplierId: z.string().nullable(),
  supplierName: z.string().nullable(),
  currency: currencyCode.nullable(),
  lines: z.array(reorderLine),
});
export const reorderAnswer = z.strictObject({ groups: z.array(reorderGroup) });
