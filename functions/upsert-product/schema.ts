import { z } from 'zod';
import { currency, id, minorUnits, sku, text } from '../../shared/schemas/common.js';

export const body = z
  .object({
    sku,
    name: text(200),
    unitPrice: minorUnits,
    currency,
    taxRateBp: z.number().int().min(0).max(10_000).optional(),
    // Absent on an update keeps the stored level (a price change must not reset it).
    reorderLevel: z.number().int().min(0).max(1_000_000).optional(),
    // Set: the product is exempt from VAT (category E, BT-120 on every line it is sold on). Absent on an
    // update clears it, like taxRateBp: the body states the product's whole tax treatment.
    vatExemptionReason: text(500).optional(),
    // Buying: whom it is bought from and under which of their codes, and how many at least per order
    // (shared/domain/reorder.ts). Absent on an update keeps the stored value, as reorderLevel; null clears
    // the supplier or its code (a reorder quantity is never unset: 0 is "just enough").
    preferredSupplierId: id.nullable().optional(),
    supplierSku: text(100).nullable().optional(),
    reorderQuantity: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict()
  // An exempt product charges no VAT: a rate next to a reason is a contradiction, not a choice to make.
  .refine((b) => b.vatExemptionReason === undefined || (b.taxRateBp ?? 0) === 0, {
    path: ['taxRateBp'],
    message: 'must be 0 (or absent) when vatExemptionReason is given: an exempt product charges no VAT',
  });

/** A supplier (POST /function/upsert-product/supplier): one schema, shared with the supplier import. */
export { supplierBody } from '../../shared/schemas/supplier.js';
