import { z, ZodError } from 'zod';
import { AppError } from '../errors.js';
import { orderStatuses } from '../domain/order-status.js';
import { deliveryKinds } from '../billing/deliverable-kinds.js';
import { vatCategoryCodes } from '../domain/parties.js';
import { purchaseOrderStatuses } from '../domain/purchase-order-lifecycle.js';
import { adjustmentReasons, movementKinds, movementReasons } from '../domain/stock-movements.js';
import { employeeStatuses } from '../domain/employee.js';
import { invoiceStatuses } from '../domain/invoice.js';
import { dispositions } from '../domain/returns.js';
import { deliveryTriggers } from '../domain/delivery-lifecycle.js';

// The event contract, in one place: every event type with the domain whose subject carries it
// (`<prefix>.<domain>.<type>`), the version of its data, the zod schema of that data, and the aggregate
// it is about. Producers emit through it (UnitOfWork.emit parses what they give), reactions and the
// projector parse from it, and docs/asyncapi.json is generated from it. A field renamed here fails to
// compile in every producer and consumer.
//
// Versions: a change that old data would not pass bumps `version` and adds an `upgrade` from the
// version before, so events already in the stream (replayed by an OLAP rebuild, redelivered after a
// restart) still parse. An event newer than this code is refused, never guessed at.

const money = z.number().int();
const id = z.string().min(1);
const currency = z.string().length(3);
const isoInstant = z.iso.datetime();

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
const postalAddress = z.object({ lines: z.array(z.string()).min(1), postalCode: z.string(), city: z.string(), country: z.string().length(2) });

/** The whole order as created: reserve-stock and billing work from it without calling back. */
const orderSnapshot = z.object({
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

/** A purchase order line as ordered: unit cost in the purchase order's (the supplier's) currency. */
const purchaseOrderLine = z.object({
  lineNo: z.number().int().positive(),
  sku: z.string(),
  name: z.string(),
  supplierSku: z.string().nullable(),
  quantity: z.number().int().positive(),
  unitCost: money.nonnegative(),
});

const shortage = z.object({ sku: z.string(), requested: z.number().int(), available: z.number().int() });

/** Pay fields included: events stay inside the platform, and the BI side serves payroll to admins only.
 *  `version` is the record's version (hr.employees.version): the projection keeps the highest, so an
 *  older snapshot redelivered late never overwrites a newer one. */
const employeeSnapshot = z.object({
  employeeId: id,
  version: z.number().int().nonnegative(),
  name: z.string(),
  email: z.string(),
  department: z.string(),
  title: z.string(),
  salary: money.positive(),
  currency,
  hiredAt: z.iso.date(),
  terminatedAt: z.iso.date().nullable(),
  status: z.enum(employeeStatuses),
});
/** Version 1 snapshots carried no record version; 0 ranks them below every versioned one (and among
 *  themselves the projection falls back to the stream order, as it did then). */
const employeeV1 = (data: unknown) => ({ ...(data as object), version: 0 });

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

/** The domains: each publishes its own events' subjects (`<prefix>.<domain>.<type>`) and no other's. */
export const domains = ['orders', 'inventory', 'billing', 'hr'] as const;
export type Domain = (typeof domains)[number];

interface EventSpec<S extends z.ZodType> {
  domain: Domain;
  version: number;
  summary: string;
  data: S;
  /** The aggregate the event is about and how its id is read from the data. */
  aggregate: {
    type: 'order' | 'customer' | 'product' | 'invoice' | 'employee' | 'company' | 'supplier' | 'purchase_order' | 'delivery';
    id: (data: z.infer<S>) => string;
  };
  /** From version n to n+1, by n; applied in turn to data older than `version`. */
  upgrade?: Readonly<Record<number, (data: unknown) => unknown>>;
}
const spec = <S extends z.ZodType>(s: EventSpec<S>) => s;

const orderAggregate = { type: 'order', id: (d: { orderId: string }) => d.orderId } as const;
const invoiceAggregate = { type: 'invoice', id: (d: { invoiceId: string }) => d.invoiceId } as const;
const employeeAggregate = { type: 'employee', id: (d: { employeeId: string }) => d.employeeId } as const;
const supplierAggregate = { type: 'supplier', id: (d: { supplierId: string }) => d.supplierId } as const;
const purchaseOrderAggregate = { type: 'purchase_order', id: (d: { purchaseOrderId: string }) => d.purchaseOrderId } as const;

export const eventRegistry = {
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
  stock_reserved: spec({
    domain: 'inventory',
    version: 1,
    summary: 'Every line of the order is reserved; carries the order, so billing invoices from it.',
    data: orderSnapshot,
    aggregate: orderAggregate,
  }),
  stock_reservation_failed: spec({
    domain: 'inventory',
    version: 1,
    summary: 'Not enough stock for some line; nothing was reserved.',
    aggregate: orderAggregate,
    data: z.object({ orderId: id, shortages: z.array(shortage).min(1) }),
  }),
  stock_released: spec({
    domain: 'inventory',
    version: 1,
    summary: "A cancelled order's reserved stock is available again.",
    aggregate: orderAggregate,
    data: z.object({ orderId: id, lines: z.array(z.object({ sku: z.string(), quantity: z.number().int().positive() })) }),
  }),
  stock_changed: spec({
    domain: 'inventory',
    version: 1,
    aggregate: { type: 'product', id: (d) => d.sku },
    summary: "A product's stock moved; carries the new absolute levels and the movement id, which orders the levels of one sku.",
    data: z.object({
      sku: z.string(),
      name: z.string(),
      onHand: z.number().int(),
      reserved: z.number().int(),
      available: z.number().int(),
      reason: z.enum(movementKinds),
      orderId: z.string().nullable(),
      movementId: z.number().int().positive(),
      // At cost, in the product's currency (shared/domain/stock-cost.ts); absent on events from before 016.
      value: money.nonnegative().optional(),
      valueDelta: money.optional(),
      currency: currency.optional(),
      /** An adjustment's reason, or where a receipt came from (purchase_order, unordered, opening). */
      movementReason: z.enum(movementReasons).optional(),
      purchaseOrderId: z.string().optional(),
    }),
  }),
  supplier_upserted: spec({
    domain: 'inventory',
    version: 1,
    summary: 'A supplier was created or changed.',
    aggregate: supplierAggregate,
    data: z.object({
      supplierId: id,
      name: z.string(),
      address: postalAddress.nullable(),
      vatId: z.string().nullable(),
      paymentTermsDays: z.number().int().nonnegative(),
      currency,
      email: z.string().nullable(),
    }),
  }),
  purchase_order_created: spec({
    domain: 'inventory',
    version: 1,
    summary: 'A purchase order was drafted: its supplier, lines and unit costs in the supplier currency.',
    aggregate: purchaseOrderAggregate,
    data: z.object({
      purchaseOrderId: id,
      number: z.string(),
      supplierId: id,
      supplierName: z.string(),
      currency,
      total: money.nonnegative(),
      lines: z.array(purchaseOrderLine).min(1),
      createdAt: isoInstant,
    }),
  }),
  purchase_order_sent: spec({
    domain: 'inventory',
    version: 1,
    summary: 'A purchase order went to its supplier (the PDF, by e-mail where e-mail is set up).',
    aggregate: purchaseOrderAggregate,
    data: z.object({ purchaseOrderId: id, number: z.string(), supplierId: id, sentAt: isoInstant }),
  }),
  purchase_order_cancelled: spec({
    domain: 'inventory',
    version: 1,
    summary: 'A purchase order was cancelled; what was received stays, the rest is no longer on order.',
    aggregate: purchaseOrderAggregate,
    data: z.object({ purchaseOrderId: id, number: z.string(), supplierId: id, previousStatus: z.enum(purchaseOrderStatuses), cancelledAt: isoInstant }),
  }),
  goods_received: spec({
    domain: 'inventory',
    version: 1,
    summary: 'Goods came in: against a purchase order (its lines, in parts) or without one; each line at its unit cost, entered into stock at cost.',
    aggregate: { type: 'purchase_order', id: (d) => d.purchaseOrderId ?? `unordered:${d.receiptId}` },
    data: z.object({
      receiptId: id,
      purchaseOrderId: z.string().nullable(),
      supplierId: z.string().nullable(),
      currency,
      lines: z
        .array(
          z.object({
            lineNo: z.number().int().positive().nullable(),
            sku: z.string(),
            quantity: z.number().int().positive(),
            unitCost: money.nonnegative(),
            value: money.nonnegative(),
          }),
        )
        .min(1),
      /** The purchase order's status after the receipt; null without one. */
      purchaseOrderStatus: z.enum(purchaseOrderStatuses).nullable(),
      receivedAt: isoInstant,
    }),
  }),
  stock_adjusted: spec({
    domain: 'inventory',
    version: 1,
    summary:
      "A product's on-hand quantity was corrected by a signed quantity for a reason (count, damage, theft, correction), valued at cost; a count names itself.",
    aggregate: { type: 'product', id: (d) => d.sku },
    data: z.object({
      sku: z.string(),
      quantityDelta: z.number().int(),
      reason: z.enum(adjustmentReasons),
      valueDelta: money,
      currency,
      countId: z.string().nullable(),
      note: z.string().nullable(),
      movementId: z.number().int().positive(),
      adjustedAt: isoInstant,
    }),
  }),
  product_upserted: spec({
    domain: 'inventory',
    version: 1,
    summary: 'A product was created or changed.',
    aggregate: { type: 'product', id: (d) => d.sku },
    data: z.object({
      sku: z.string(),
      name: z.string(),
      unitPrice: money.nonnegative(),
      currency,
      taxRateBp: z.number().int().nonnegative(),
      reorderLevel: z.number().int().nonnegative(),
      // Set when the product is exempt from VAT (its lines are category E with this reason); absent before 015.
      vatExemptionReason: z.string().optional(),
      // Buying (016): absent before it, and when not set.
      preferredSupplierId: z.string().optional(),
      supplierSku: z.string().optional(),
      reorderQuantity: z.number().int().nonnegative().optional(),
    }),
  }),
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
  employee_hired: spec({
    domain: 'hr',
    version: 2,
    summary: 'An employee was hired: the whole record.',
    data: employeeSnapshot,
    aggregate: employeeAggregate,
    upgrade: { 1: employeeV1 },
  }),
  employee_updated: spec({
    domain: 'hr',
    version: 2,
    summary: "An employee's record changed: the whole record and the fields that changed.",
    aggregate: employeeAggregate,
    data: employeeSnapshot.extend({ changed: z.array(z.string()).min(1) }),
    upgrade: { 1: employeeV1 },
  }),
  employee_terminated: spec({
    domain: 'hr',
    version: 2,
    summary: 'An employee was terminated: the whole record.',
    data: employeeSnapshot,
    aggregate: employeeAggregate,
    upgrade: { 1: employeeV1 },
  }),
} as const;

type Registry = typeof eventRegistry;
export type EventType = keyof Registry;
export type EventData<K extends EventType> = z.infer<Registry[K]['data']>;
export const eventTypes = Object.keys(eventRegistry) as EventType[];

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(eventRegistry, value);
}

export function subjectFor(prefix: string, type: EventType): string {
  return `${prefix}.${eventRegistry[type].domain}.${type}`;
}

/** The data as the current version of its type: older data is upgraded first; newer data is refused
 *  (422 unknown_event_version); data that does not match is a ZodError with paths under `data`. */
export function parseEventData<K extends EventType>(type: K, version: number, data: unknown): EventData<K> {
  const entry: EventSpec<z.ZodType> = eventRegistry[type];
  const unreadable = () =>
    new AppError('unknown_event_version', `${type} version ${version} cannot be read: this code reads version ${entry.version}`, {
      type,
      version,
      current: entry.version,
    });
  if (!Number.isInteger(version) || version < 1 || version > entry.version) throw unreadable();
  let value = data;
  for (let v = version; v < entry.version; v++) {
    const up = entry.upgrade?.[v];
    if (!up) throw unreadable();
    value = up(value);
  }
  const parsed = entry.data.safeParse(value);
  if (!parsed.success) throw new ZodError(parsed.error.issues.map((i) => ({ ...i, path: ['data', ...i.path] })));
  return parsed.data as EventData<K>;
}
