import type { PostalAddress, VatCategoryCode } from '../../shared/domain/parties.js';
import type { Employee as EmployeeRecord } from '../../shared/domain/employee.js';
import type { PricedLine } from '../../shared/domain/pricing.js';
import type { TimelineRow } from '../../olap/timeline.js';
import type { PurchaseOrderStatus } from '../../shared/domain/purchase-order-lifecycle.js';
import type { PurchaseOrderRead } from '../../shared/purchasing/read.js';
import type { MovementKind, MovementReason } from '../../shared/domain/stock-movements.js';

// What the reads answer (docs/api.md). The reads have no zod schemas of their answers yet; until they
// do, these types are the workspace's reading of that contract, derived from the server's own types
// where it has them.

/** A line as priced when the order was taken (snapshotted on the order and the invoice). */
export type OrderLine = PricedLine & { vatCategory?: VatCategoryCode | undefined; exemptionReason?: string | undefined };

export interface Order {
  id: string;
  status: string;
  customerId: string;
  customerName: string;
  lines: OrderLine[];
  subtotal: number;
  tax: number;
  total: number;
  currency: string;
  invoiceId: string | null;
  invoiceNumber?: string | null;
  amountPaid: number;
  createdAt: string;
  updatedAt: string;
  /** On the single order's read only. */
  returns?: OrderReturn[];
}

export interface Invoice {
  id: string;
  number: string;
  orderId: string;
  customerId: string;
  customerName: string;
  issueDate: string;
  dueDate: string;
  currency: string;
  subtotal: number;
  tax: number;
  total: number;
  amountPaid: number;
  credited: number;
  balance: number;
  status: string;
  overdue: boolean;
  /** The highest reminder level issued; null for none. */
  reminderLevel: number | null;
  createdAt: string;
}

/** A party as frozen on the invoice (docs/api.md, "Parties and VAT categories"). */
export interface InvoiceParty {
  name: string;
  email?: string | null | undefined;
  address?: PostalAddress | null | undefined;
  vatId?: string | null | undefined;
  taxRegistration?: string | undefined;
}

export interface InvoiceDetail extends Invoice {
  lines: OrderLine[];
  buyer: InvoiceParty & { id: string };
  /** Null on invoices issued while no company profile was stored (their PDF prints the configured one). */
  seller: InvoiceParty | null;
  /** Legal notes its lines require (reverse charge, export). */
  notes: string[];
  payments: { id: string; amount: number; method: string; reference: string | null; receivedAt: string }[];
  creditNotes: { id: string; number: string; amount: number; reason: string | null; issuedAt: string; subtotal: number; tax: number; returnId: string | null }[];
  refunded: number;
  refundDue: number;
  refunds: { id: string; creditNoteId: string; amount: number; method: string; reference: string | null; refundedAt: string }[];
  /** The order's returns; `creditNoteId` null until the accountant credits it. */
  returns: (OrderReturn & { creditNoteId: string | null })[];
  deliveries: Delivery[];
  /** Its reminders by level (shared/query/invoices.ts). */
  reminders: InvoiceReminder[];
}

/** A reminder (dunning) of an invoice: what it owed when reminded, and the fee (minor units, the invoice's currency). */
export interface InvoiceReminder {
  id: string;
  number: string;
  level: number;
  issueDate: string;
  daysPastDue: number;
  balance: number;
  fee: number;
}

export interface OrderReturn {
  id: string;
  returnedAt: string;
  lines: { lineNo: number; sku: string; name: string; quantity: number; reason: string; disposition: 'restock' | 'scrap' }[];
}

/** An e-mail of an invoice or credit note (shared/billing/deliveries.ts). */
export interface Delivery {
  id: string;
  kind: 'invoice' | 'credit_note' | 'reminder';
  documentId: string;
  number: string;
  recipient: string;
  trigger: 'manual' | 'on_issue';
  status: 'requested' | 'sending' | 'sent' | 'failed';
  attempts: number;
  serverAnswer: string | null;
  messageId: string;
  requestedBy: string;
  requestedAt: string;
  lastAttemptAt: string | null;
  sentAt: string | null;
}

export interface StockLevel {
  sku: string;
  name: string;
  onHand: number;
  reserved: number;
  available: number;
  reorderLevel: number;
  low: boolean;
  /** At cost, minor units of `currency` (the product's). */
  value: number;
  averageCost: number | null;
  currency: string;
  /** Units on purchase orders not yet received (draft, sent, partially received). */
  onOrder: number;
  reorderQuantity: number;
  preferredSupplierId: string | null;
}

export interface Movement {
  id: string | number;
  kind: MovementKind;
  onHandDelta: number;
  reservedDelta: number;
  /** At cost, minor units of the product's currency. */
  valueDelta: number;
  reason: MovementReason | null;
  orderId: string | null;
  purchaseOrderId: string | null;
  actor: string | null;
  note: string | null;
  at: string;
}

export interface Product {
  sku: string;
  name: string;
  unitPrice: number;
  currency: string;
  taxRateBp: number;
  reorderLevel: number;
  /** Set: the product is exempt from VAT for this reason (its rate is 0). */
  vatExemptionReason: string | null;
  preferredSupplierId: string | null;
  supplierSku: string | null;
  reorderQuantity: number;
}

export interface Supplier {
  id: string;
  name: string;
  address: PostalAddress | null;
  vatId: string | null;
  paymentTermsDays: number;
  /** What the supplier bills in: its purchase orders are in it. */
  currency: string;
  email: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A purchase order in a list (GET /purchase-orders). */
export interface PurchaseOrderSummary {
  id: string;
  number: string;
  supplierId: string;
  supplierName: string;
  status: PurchaseOrderStatus;
  currency: string;
  total: number;
  createdAt: string;
  sentAt: string | null;
}

/** A purchase order whole: every command's answer and GET /purchase-orders/:id (the server's one read, shared/purchasing/read.ts). */
export type PurchaseOrder = Omit<PurchaseOrderRead, 'status'> & { status: PurchaseOrderStatus };
export type PurchaseOrderLine = PurchaseOrder['lines'][number];
export type GoodsReceipt = PurchaseOrder['receipts'][number];

/** GET /reorder-suggestions: the server's own rule's groups (supplierId null: products without a preferred supplier). */
export type { ReorderGroup, ReorderLine } from '../../shared/domain/reorder.js';

export interface Customer {
  id: string;
  name: string;
  email: string | null;
  paymentTermsDays: number;
  address: PostalAddress | null;
  vatId: string | null;
  language: string | null;
  currency: string | null;
  /** Field paths an e-invoice to this customer needs and it lacks (shared/domain/e-invoice-readiness.ts). */
  missingForEInvoice: string[];
}

export interface CustomerDetail extends Customer {
  createdAt: string;
  updatedAt: string;
  openBalances: { currency: string; balance: number; invoices: number }[];
}

/** Pay (salary, currency) is only in an admin's answer. */
export type Employee = Omit<EmployeeRecord, 'salary' | 'currency'> & Partial<Pick<EmployeeRecord, 'salary' | 'currency'>>;

/** A timeline row as the projector answers it: the event's data parsed back. */
export type TimelineEvent = Omit<TimelineRow, 'orderId' | 'data'> & { data: Record<string, unknown> };
