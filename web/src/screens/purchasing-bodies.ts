import { z } from 'zod';
import { id, minorUnits, quantity, sku, text } from '../../../shared/schemas/common.js';

// The bodies of the buying commands as the HTTP contract states them (issue 20, "The HTTP contract
// between helpers"), for the forms to check before they send. Stand-ins: the functions' own schemas
// (functions/receive-stock/schema.ts) replace each of these once that branch is merged, so the form and
// the server check with one schema again.

export const purchaseOrderBody = z
  .object({ supplierId: id, lines: z.array(z.object({ sku, quantity, unitCost: minorUnits }).strict()).min(1).max(100), note: text(500).optional() })
  .strict();

export const purchaseOrderRef = z.object({ purchaseOrderId: id }).strict();
export const purchaseOrderCancelBody = z.object({ purchaseOrderId: id, reason: text(500).optional() }).strict();

export const receiptBody = z
  .object({ purchaseOrderId: id, lines: z.array(z.object({ lineNo: z.number().int().positive(), quantity }).strict()).min(1), note: text(500).optional() })
  .strict();

export const reorderBody = z.object({ supplierId: id }).strict();
