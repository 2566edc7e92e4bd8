import { z } from 'zod';
import { id, minorUnits, quantity, sku, text } from '../../shared/schemas/common.js';
import { adjustmentReasons } from '../../shared/domain/stock-movements.js';

// unitCost: per unit, in the product's currency; absent, the goods come in at the average cost (shared/inventory/stock.ts).
export const body = z.object({ sku, quantity, unitCost: minorUnits.optional(), note: text(500).optional() }).strict();

// Purchase orders (docs/rules.md, "Purchase orders"): unit costs in minor units of the supplier's currency.
export const purchaseOrderBody = z
  .object({
    supplierId: id,
    lines: z
      .array(z.object({ sku, quantity, unitCost: minorUnits }).strict())
      .min(1)
      .max(100),
    note: text(500).optional(),
  })
  .strict();
export const sendBody = z.object({ purchaseOrderId: id }).strict();
export const cancelBody = z.object({ purchaseOrderId: id, reason: text(500).optional() }).strict();
/** lineNo: the purchase order line's number, as its read lists them; quantity: what came in now (above 0). */
export const receiptBody = z
  .object({
    purchaseOrderId: id,
    lines: z
      .array(z.object({ lineNo: z.number().int().positive().max(1000), quantity }).strict())
      .min(1)
      .max(100),
    note: text(500).optional(),
  })
  .strict();
export const reorderBody = z.object({ supplierId: id }).strict();
const signedQuantity = z
  .number()
  .int()
  .min(-1_000_000)
  .max(1_000_000)
  .refine((q) => q !== 0, 'not 0: a signed quantity, negative for goods gone, positive for goods found');

/** POST /function/receive-stock/adjustment (shared/inventory/adjustments.ts). A unit cost values goods found, so only with a positive quantity. */
export const adjustmentBody = z
  .object({ sku, quantity: signedQuantity, reason: z.enum(adjustmentReasons), unitCost: minorUnits.optional(), note: text(500).optional() })
  .strict()
  .refine((b) => b.unitCost === undefined || b.quantity > 0, {
    message: 'only with a positive quantity: goods going out leave at average cost',
    path: ['unitCost'],
  });

/** POST /function/receive-stock/count (shared/inventory/counts.ts): the quantity counted per product. */
export const countBody = z
  .object({
    lines: z
      .array(z.object({ sku, counted: z.number().int().min(0).max(1_000_000) }).strict())
      .min(1)
      .max(5000),
    note: text(500).optional(),
  })
  .strict();
