import { z } from 'zod';

// The data of the events that reactions consume: parsed on arrival, so a malformed event is refused
// (and dead-lettered) rather than half-applied. Events carry what their consumers need.

export const orderLine = z.object({
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int().positive(),
  unitPrice: z.number().int().nonnegative(),
  taxRateBp: z.number().int().nonnegative(),
  net: z.number().int().nonnegative(),
  tax: z.number().int().nonnegative(),
});

export const orderSnapshot = z.object({
  orderId: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  paymentTermsDays: z.number().int().nonnegative(),
  currency: z.string().length(3),
  subtotal: z.number().int(),
  tax: z.number().int(),
  total: z.number().int(),
  lines: z.array(orderLine).min(1),
  createdAt: z.string(),
});
export type OrderSnapshot = z.infer<typeof orderSnapshot>;

export const orderRef = z.object({ orderId: z.string() });

export const reservationFailed = z.object({
  orderId: z.string(),
  shortages: z.array(z.object({ sku: z.string(), requested: z.number(), available: z.number() })),
});

export const invoiceCreated = z.object({ invoiceId: z.string(), number: z.string(), orderId: z.string() });

export const paymentReceived = z.object({
  paymentId: z.string(),
  invoiceId: z.string(),
  orderId: z.string(),
  amount: z.number().int().positive(),
  amountPaid: z.number().int().nonnegative(),
  invoiceStatus: z.string(),
});
