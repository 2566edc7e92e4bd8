import { z } from 'zod';
import { deliveryKinds } from '../../billing/deliverable-kinds.js';
import { deliveryTriggers } from '../../domain/delivery-lifecycle.js';
import { invoiceStatuses } from '../../domain/invoice.js';
import { currency, id, isoInstant, money, orderLine } from './fields.js';
import { spec } from './spec.js';

const invoiceStatus = z.enum(invoiceStatuses);

/** Version 1 credit notes were all full credits of a cancelled order's invoice. */
const creditNoteV1 = (data: unknown) => ({
  ...(data as { amount: number }),
  credited: (data as { amount: number }).amount,
  returnId: null,
  invoiceStatus: 'credited',
});

/** Version 1 deliveries were all of billing documents, to a customer. */
const deliveryV1 = (data: unknown) => ({ ...(data as object), supplierId: null });

const invoiceAggregate = { type: 'invoice', id: (d: { invoiceId: string }) => d.invoiceId } as const;

/** The billing domain's events: invoices, payments, credit notes, refunds, reminders and document deliveries. */
export const billingEvents = {
  invoice_created: spec({
    domain: 'billing',
    version: 1,
    summary: 'An invoice was issued for a reserved order, numbered without gaps.',
    aggregate: invoiceAggregate,
    data: z.object({
      invoiceId: id,
      number: z.string(),
      orderId: id,
      customerId: id,
      customerName: z.string(),
      issueDate: z.iso.date(),
      dueDate: z.iso.date(),
      currency,
      subtotal: money,
      tax: money,
      total: money,
      lines: z.array(orderLine),
    }),
  }),
  payment_received: spec({
    domain: 'billing',
    version: 1,
    summary: "A payment was applied to an invoice; carries the invoice's amount paid and status after it.",
    aggregate: invoiceAggregate,
    data: z.object({
      invoiceId: id,
      orderId: id,
      customerId: id,
      currency,
      paymentId: id,
      amount: money.positive(),
      method: z.string(),
      amountPaid: money.nonnegative(),
      balance: money,
      invoiceStatus,
      receivedAt: isoInstant,
    }),
  }),
  invoice_paid: spec({
    domain: 'billing',
    version: 1,
    summary: 'An invoice is paid in full.',
    aggregate: invoiceAggregate,
    data: z.object({ invoiceId: id, orderId: id, customerId: id, currency, total: money, paidAt: isoInstant }),
  }),
  credit_note_issued: spec({
    domain: 'billing',
    version: 2,
    aggregate: invoiceAggregate,
    upgrade: { 1: creditNoteV1 },
    summary:
      "A credit note was issued: in full for a cancelled order's invoice, or for exactly what a return brought back. `amount` is the note's total, `credited` the invoice's credited total after it, `refundDue` what the customer is owed back after it (paid beyond what is still invoiced).",
    data: z.object({
      creditNoteId: id,
      number: z.string(),
      invoiceId: id,
      invoiceNumber: z.string(),
      orderId: id,
      customerId: id,
      currency,
      amount: money,
      amountPaid: money.nonnegative(),
      refundDue: money.nonnegative(),
      credited: money.nonnegative(),
      returnId: z.string().nullable(),
      invoiceStatus,
    }),
  }),
  refund_recorded: spec({
    domain: 'billing',
    version: 1,
    aggregate: invoiceAggregate,
    summary:
      "Money owed back on an invoice was paid back to the customer, against one of its credit notes; `refunded` is the invoice's refunded total after it, `refundDue` what is still owed back.",
    data: z.object({
      refundId: id,
      creditNoteId: id,
      invoiceId: id,
      orderId: id,
      customerId: id,
      currency,
      amount: money.positive(),
      method: z.string(),
      refunded: money.nonnegative(),
      refundDue: money.nonnegative(),
      refundedAt: isoInstant,
    }),
  }),
  reminder_issued: spec({
    domain: 'billing',
    version: 1,
    aggregate: invoiceAggregate,
    summary:
      'An overdue invoice got its next reminder level (the daily schedule, or POST /function/create-invoice/reminders); once per level. render-document renders its PDF and e-mails it when the profile says so.',
    data: z.object({
      reminderId: id,
      number: z.string(),
      invoiceId: id,
      invoiceNumber: z.string(),
      customerId: id,
      level: z.number().int().min(1),
      issueDate: z.iso.date(),
      daysPastDue: z.number().int().min(1),
      currency,
      balance: money.positive(),
      fee: money.nonnegative(),
    }),
  }),
  document_delivery_requested: spec({
    // Version 2: purchase orders, e-mailed to their supplier, belong to no invoice or customer. The
    // aggregate is the delivery itself (it was the invoice, which a purchase order's delivery has not).
    domain: 'billing',
    version: 2,
    aggregate: { type: 'delivery', id: (d) => d.deliveryId },
    upgrade: { 1: deliveryV1 },
    summary:
      "Someone (or the issue itself, when the company profile says so) asked for a document to be e-mailed: an invoice, credit note or reminder to the customer (invoiceId, customerId), a purchase order to its supplier (supplierId; documentId is the purchase order's); render-document sends it after commit.",
    data: z.object({
      deliveryId: id,
      kind: z.enum(deliveryKinds),
      documentId: id,
      number: z.string(),
      invoiceId: id.nullable(),
      customerId: id.nullable(),
      supplierId: id.nullable(),
      recipient: z.string(),
      trigger: z.enum(deliveryTriggers),
    }),
  }),
} as const;
