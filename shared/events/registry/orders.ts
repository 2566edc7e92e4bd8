import { z } from 'zod';
import { orderStatuses } from '../../domain/order-status.js';
import { dispositions } from '../../domain/returns.js';
import { currency, id, isoInstant, money, orderAggregate, orderSnapshot, postalAddress, shortage } from './fields.js';
import { spec } from './spec.js';

/** The orders domain's events: orders, returns and the master data (customers, the company profile). */
export const orderEvents = {
  order_created: spec({
    domain: 'orders',
    version: 1,
    summary: 'An order was entered: the whole order, priced.',
    data: orderSnapshot,
    aggregate: orderAggregate,
  }),
  order_rejected: spec({
    domain: 'orders',
    version: 1,
    summary: 'A pending order was rejected: stock could not be reserved.',
    aggregate: orderAggregate,
    data: z.object({ orderId: id, customerId: id, reason: z.string(), shortages: z.array(shortage) }),
  }),
  order_cancelled: spec({
    domain: 'orders',
    version: 1,
    summary: 'A user cancelled the order; inventory releases its stock, billing credits its invoice.',
    aggregate: orderAggregate,
    data: z.object({ orderId: id, customerId: id, previousStatus: z.enum(orderStatuses), reason: z.string().nullable(), invoiceId: z.string().nullable() }),
  }),
  order_fulfilled: spec({
    domain: 'orders',
    version: 1,
    summary: 'The goods left: inventory ships the reserved stock.',
    aggregate: orderAggregate,
    data: z.object({ orderId: id, customerId: id }),
  }),
  order_status_changed: spec({
    domain: 'orders',
    version: 1,
    summary: "Every change of an order's status, with what caused it.",
    aggregate: orderAggregate,
    data: z.object({ orderId: id, customerId: id, from: z.enum(orderStatuses), to: z.enum(orderStatuses), cause: z.string(), currency, total: money }),
  }),
  goods_returned: spec({
    domain: 'orders',
    version: 1,
    aggregate: orderAggregate,
    summary:
      'Goods of a fulfilled order came back: the lines and quantities, each with its reason and disposition; inventory restocks the `restock` lines, billing credits the return when the accountant issues its credit note.',
    data: z.object({
      returnId: id,
      orderId: id,
      customerId: id,
      lines: z
        .array(
          z.object({
            lineNo: z.number().int().positive(),
            sku: z.string(),
            name: z.string(),
            quantity: z.number().int().positive(),
            reason: z.string(),
            disposition: z.enum(dispositions),
          }),
        )
        .min(1),
      returnedAt: isoInstant,
    }),
  }),
  customer_upserted: spec({
    domain: 'orders',
    version: 1,
    summary: 'A customer was created or changed.',
    aggregate: { type: 'customer', id: (d) => d.id },
    // The party fields came with issue 19: optional, so the events from before still parse.
    data: z.object({
      id,
      name: z.string(),
      email: z.string().nullable(),
      paymentTermsDays: z.number().int().nonnegative(),
      address: postalAddress.nullable().optional(),
      vatId: z.string().nullable().optional(),
      language: z.string().nullable().optional(),
      currency: currency.nullable().optional(),
    }),
  }),
  company_profile_updated: spec({
    domain: 'orders',
    version: 1,
    summary:
      'An admin saved the company profile (the seller); invoices issued from now on carry it. Orders domain: master data, saved by upsert-customer beside the customers.',
    aggregate: { type: 'company', id: () => 'company' },
    data: z.object({
      name: z.string(),
      address: postalAddress,
      vatId: z.string().optional(),
      taxRegistration: z.string().optional(),
      email: z.string().optional(),
      phone: z.string().optional(),
      bank: z.object({ name: z.string().optional(), iban: z.string(), bic: z.string().optional() }).optional(),
      emailOnIssue: z.boolean(),
      updatedAt: isoInstant,
    }),
  }),
} as const;
