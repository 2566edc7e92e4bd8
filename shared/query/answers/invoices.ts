import { z } from 'zod';
import { deliverableKinds } from '../../billing/deliverable-kinds.js';
import { deliveryStatuses, deliveryTriggers } from '../../domain/delivery-lifecycle.js';
import { invoiceStatuses } from '../../domain/invoice.js';
import { companyProfile } from '../../schemas/parties.js';
import { address, count, currencyCode, day, instant, money, page } from './common.js';
import { orderLine, orderReturn } from './orders.js';

// GET /function/query/invoices and /invoices/:id (shared/query/invoices.ts).

export const invoiceStatus = z.enum(invoiceStatuses);

export const invoiceItem = z.strictObject({
  id: z.string(),
  number: z.string(),
  orderId: z.string(),
  customerId: z.string(),
  customerName: z.string().nullable(),
  issueDate: day,
  dueDate: day,
  currency: currencyCode,
  subtotal: money,
  tax: money,
  total: money,
  amountPaid: money,
  credited: money,
  /** What is still owed; negative when money is owed back (paid, then credited). */
  balance: money,
  status: invoiceStatus,
  overdue: z.boolean(),
  /** The highest reminder level issued; null for none. */
  reminderLevel: count.nullable(),
  createdAt: instant,
});

/** A party as frozen on the invoice (docs/api.md, "Parties and VAT categories"); older invoices hold less. */
const buyer = z.strictObject({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable().optional(),
  address: address.nullable().optional(),
  vatId: z.string().nullable().optional(),
});

/** An e-mail of the invoice or one of its documents (shared/billing/deliveries.ts). */
export const delivery = z.strictObject({
  id: z.string(),
  kind: z.enum(deliverableKinds),
  documentId: z.string(),
  number: z.string(),
  recipient: z.string(),
  trigger: z.enum(deliveryTriggers),
  status: z.enum(deliveryStatuses),
  attempts: count,
  serverAnswer: z.string().nullable(),
  messageId: z.string(),
  requestedBy: z.string(),
  requestedAt: instant,
  lastAttemptAt: instant.nullable(),
  sentAt: instant.nullable(),
});

/** A reminder (dunning) of the invoice: what it owed when reminded, and the fee. */
export const invoiceReminder = z.strictObject({
  id: z.string(),
  number: z.string(),
  level: count,
  issueDate: day,
  daysPastDue: count,
  balance: money,
  fee: money,
});

// A return's credit names its lines by number; a credit of the whole invoice copies its lines as they are.
const creditedLine = orderLine.extend({ lineNo: count.optional() });

export const invoiceDetail = invoiceItem.extend({
  lines: z.array(orderLine),
  buyer,
  /** Null on invoices issued while no company profile was stored (their PDF prints the configured one). */
  seller: companyProfile.nullable(),
  /** Legal notes its lines require (reverse charge, export). */
  notes: z.array(z.string()),
  payments: z.array(z.strictObject({ id: z.string(), amount: money, method: z.string(), reference: z.string().nullable(), receivedAt: instant })),
  creditNotes: z.array(
    z.strictObject({
      id: z.string(),
      number: z.string(),
      amount: money,
      reason: z.string().nullable(),
      issuedAt: instant,
      subtotal: money,
      tax: money,
      returnId: z.string().nullable(),
      /** Null on credit notes of the whole amount (no lines named). */
      lines: z.array(creditedLine).nullable(),
    }),
  ),
  refunded: money,
  refundDue: money,
  refunds: z.array(
    z.strictObject({ id: z.string(), creditNoteId: z.string(), amount: money, method: z.string(), reference: z.string().nullable(), refundedAt: instant }),
  ),
  /** The order's returns; `creditNoteId` null until the accountant credits it. */
  returns: z.array(orderReturn.extend({ creditNoteId: z.string().nullable() })),
  deliveries: z.array(delivery),
  reminders: z.array(invoiceReminder),
});
export const invoicePage = page(invoiceItem);
