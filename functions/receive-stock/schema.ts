import { z } from 'zod';
import { id, minorUnits, quantity, sku, text } from '../../shared/schemas/common.js';

// unitCost: per unit, in the product's currency; absent, the goods come in at the average cost (shared/inventory/stock.ts).
export const body = z.object({ sku, quantity, unitCost: minorUnits.optional(), note: text(500).optional() }).strict();

// Purchase orders (docs/rules.md, "Purchase orders"): unit costs in minor units of the supplier's currency.
export const purchaseOrderBody = z
  .object({ supplierId: id, lines: z.array(z.object({ sku, quantity, unitCost: minorUnits }).strict()).min(1).max(100), note: text(500).optional() })
  .strict();
export const sendBody = z.object({ purchaseOrderId: id }).strict();
export const cancelBody = z.object({ purchaseOrderId: id, reason: text(500).optional() }).strict();
/** lineNo: the purchase order line's number, as its read lists them; quantity: what came in now (above 0). */
export const receiptBody = z
  .object({ purchaseOrderId: id, lines: z.array(z.object({ lineNo: z.number().int().positive().max(1000), quantity }).strict()).min(1).max(100), note: text(500).optional() })
  .strict();
export const reorderBody = z.object({ supplierId: id }).strict();
