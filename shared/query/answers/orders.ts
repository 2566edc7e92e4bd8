import { z } from 'zod';
import { orderStatuses } from '../../domain/order-lifecycle.js';
import { vatCategoryCodes } from '../../domain/parties.js';
import { dispositions } from '../../domain/returns.js';
import { count, currencyCode, instant, money, page } from './common.js';

// GET /function/query/orders and /orders/:id (shared/query/orders.ts).

/** A line as priced when the order was taken (snapshotted on the order and the invoice, shared/domain/pricing.ts). */
export const orderLine = z.strictObject({
  sku: z.string(),
  name: z.string(),
  quantity: count,
  unitPrice: money,
  taxRateBp: count,
  net: money,
  tax: money,
  vatCategory: z.enum(vatCategoryCodes).optional(),
  exemptionReason: z.string().optional(),
});

/** A return of goods (shared/domain/returns.ts): lines by their number in the order. */
export const orderReturn = z.strictObject({
  id: z.string(),
  returnedAt: instant,
  lines: z.array(z.strictObject({ lineNo: count, sku: z.string(), name: z.string(), quantity: count, reason: z.string(), disposition: z.enum(dispositions) })),
});

export const orderItem = z.strictObject({
  id: z.string(),
  status: z.enum(orderStatuses),
  customerId: z.string(),
  customerName: z.string().nullable(),
  lines: z.array(orderLine),
  subtotal: money,
  tax: money,
  total: money,
  currency: currencyCode,
  invoiceId: z.string().nullable(),
  amountPaid: money,
  createdAt: instant,
  updatedAt: instant,
});

/** The single order: its invoice's number (null while not invoiced) and its returns, oldest first. */
export const orderDetail = orderItem.extend({ invoiceNumber: z.string().nullable(), returns: z.array(orderReturn) });
export const orderPage = page(orderItem);
