import { z } from 'zod';
import { vatCategoryCodes } from '../../domain/parties.js';

// The fields and shapes more than one domain's events carry (shared/events/registry.ts assembles the
// domains' events); a shape only one domain uses stays in that domain's file.

export const money = z.number().int();
export const id = z.string().min(1);
export const currency = z.string().length(3);
export const isoInstant = z.iso.datetime();

/** An order line as priced when ordered; billing keeps its invoices' lines in this shape too. */
export const orderLine = z.object({
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int().positive(),
  unitPrice: money.nonnegative(),
  taxRateBp: z.number().int().nonnegative(),
  net: money.nonnegative(),
  tax: money.nonnegative(),
  /** EN 16931 VAT category (shared/domain/vat-category.ts); absent on lines priced before categories were kept. */
  vatCategory: z.enum(vatCategoryCodes).optional(),
  /** Why no tax (E, and the legal ground of AE and G), printed and sent as BT-120. */
  exemptionReason: z.string().optional(),
});

/** A postal address as kept (shared/schemas/parties.ts checks it on input). */
export const postalAddress = z.object({ lines: z.array(z.string()).min(1), postalCode: z.string(), city: z.string(), country: z.string().length(2) });

/** The whole order as created: reserve-stock and billing work from it without calling back. */
export const orderSnapshot = z.object({
  orderId: id,
  customerId: id,
  customerName: z.string(),
  paymentTermsDays: z.number().int().nonnegative(),
  currency,
  subtotal: money,
  tax: money,
  total: money,
  lines: z.array(orderLine).min(1),
  createdAt: isoInstant,
});

export const shortage = z.object({ sku: z.string(), requested: z.number().int(), available: z.number().int() });

export const orderAggregate = { type: 'order', id: (d: { orderId: string }) => d.orderId } as const;
