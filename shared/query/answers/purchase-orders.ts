import { z } from 'zod';
import { purchaseOrderStatuses } from '../../domain/purchase-order-lifecycle.js';
import { count, currencyCode, instant, money, page } from './common.js';

// GET /function/query/purchase-orders and /purchase-orders/:id (shared/query/purchase-orders.ts). The
// single one is also what the buying commands answer (shared/purchasing/read.ts).

export const purchaseOrderSummary = z.strictObject({
  id: z.string(),
  number: z.string(),
  supplierId: z.string(),
  supplierName: z.string(),
  status: z.enum(purchaseOrderStatuses),
  currency: currencyCode,
  total: money,
  createdAt: instant,
  sentAt: instant.nullable(),
});
export const purchaseOrderPage = page(purchaseOrderSummary);

export const purchaseOrderLine = z.strictObject({
  lineNo: count,
  sku: z.string(),
  name: z.string(),
  supplierSku: z.string().nullable(),
  quantity: count,
  unitCost: money,
  received: count,
});

export const goodsReceipt = z.strictObject({
  id: z.string(),
  receivedAt: instant,
  actor: z.string(),
  note: z.string().nullable(),
  lines: z.array(z.strictObject({ lineNo: count, sku: z.string(), quantity: count, unitCost: money, value: money })),
});

export const purchaseOrder = purchaseOrderSummary.extend({
  note: z.string().nullable(),
  createdBy: z.string(),
  updatedAt: instant,
  cancelReason: z.string().nullable(),
  cancelledAt: instant.nullable(),
  lines: z.array(purchaseOrderLine),
  receipts: z.array(goodsReceipt),
});

/** receive-stock/purchase-order/receive's answer: the receipt's id and lines, and the order as it now stands. */
export const purchaseReceipt = z.strictObject({ receiptId: z.string(), purchaseOrder, lines: goodsReceipt.shape.lines });
