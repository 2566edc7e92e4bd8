import type { z } from 'zod';
import type { orderDetail, orderItem, orderLine, orderReturn } from '../../shared/query/answers/orders.js';
import type { delivery, invoiceDetail, invoiceItem, invoiceReminder } from '../../shared/query/answers/invoices.js';
import type { movement, product, reorderGroup, reorderLine, stockLevel } from '../../shared/query/answers/stock.js';
import type { customer, customerDetail, storedCompany, supplier } from '../../shared/query/answers/parties.js';
import type { goodsReceipt, purchaseOrder, purchaseOrderLine, purchaseOrderSummary } from '../../shared/query/answers/purchase-orders.js';
import type { employee } from '../../shared/query/answers/employees.js';
import type { customerReceivable, journalPosting, trialBalance } from '../../shared/query/answers/ledger.js';
import type { timelineRow } from '../../shared/query/answers/bi.js';

// What the reads answer, as the workspace sees it: the types of the answer schemas the server checks
// its answers with (shared/query/answers/); web/src/api.ts's read() parses each answer with its schema.

/** A line as priced when the order was taken (snapshotted on the order and the invoice). */
export type OrderLine = z.output<typeof orderLine>;
/** An order in a list (GET /orders). */
export type Order = z.output<typeof orderItem>;
/** An order whole (GET /orders/:id): with its invoice's number and its returns. */
export type OrderDetail = z.output<typeof orderDetail>;
export type OrderReturn = z.output<typeof orderReturn>;

export type Invoice = z.output<typeof invoiceItem>;
export type InvoiceDetail = z.output<typeof invoiceDetail>;
/** A party as frozen on the invoice: its buyer, or its seller (the company profile as issued). */
export type InvoiceParty = InvoiceDetail['buyer'] | NonNullable<InvoiceDetail['seller']>;
export type InvoiceReminder = z.output<typeof invoiceReminder>;
/** An e-mail of an invoice or credit note (shared/billing/deliveries.ts). */
export type Delivery = z.output<typeof delivery>;

export type StockLevel = z.output<typeof stockLevel>;
export type Movement = z.output<typeof movement>;
export type Product = z.output<typeof product>;
export type ReorderGroup = z.output<typeof reorderGroup>;
export type ReorderLine = z.output<typeof reorderLine>;

export type Customer = z.output<typeof customer>;
export type CustomerDetail = z.output<typeof customerDetail>;
export type Supplier = z.output<typeof supplier>;
export type StoredCompany = z.output<typeof storedCompany>;

export type PurchaseOrderSummary = z.output<typeof purchaseOrderSummary>;
/** A purchase order whole: every buying command's answer and GET /purchase-orders/:id. */
export type PurchaseOrder = z.output<typeof purchaseOrder>;
export type PurchaseOrderLine = z.output<typeof purchaseOrderLine>;
export type GoodsReceipt = z.output<typeof goodsReceipt>;

/** Pay (salary, currency) is only in an admin's answer. */
export type Employee = z.output<typeof employee>;

export type JournalPosting = z.output<typeof journalPosting>;
export type TrialBalance = z.output<typeof trialBalance>;
export type CustomerReceivable = z.output<typeof customerReceivable>;

/** An order's timeline row as the projector answers it: the event's data parsed back. */
export type TimelineEvent = z.output<typeof timelineRow>;
