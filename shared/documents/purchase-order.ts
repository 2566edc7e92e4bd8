import type { DocumentParty, DocumentSeller } from './model.js';

// A purchase order as sent to its supplier (inventory.purchase_order_view, shared/billing/
// purchase-order-documents.ts): we are the buyer, so the company profile is the letterhead and the
// address the goods go to. Printed by render-purchase-order-pdf.ts, e-mailed to the supplier like the
// billing documents (shared/billing/deliveries.ts). Money in minor units of the supplier's currency.

export interface PurchaseOrderDocumentLine {
  lineNo: number;
  /** Our sku, and the supplier's own number for the product when we keep one. */
  sku: string;
  supplierSku: string | null;
  name: string;
  quantity: number;
  unitCost: number;
  /** quantity * unitCost. */
  total: number;
}

export interface PurchaseOrderDocument {
  kind: 'purchase_order';
  id: string;
  number: string;
  /** The UTC day it was sent (YYYY-MM-DD): the order's date, and the PDF's. */
  orderDate: string;
  currency: string;
  note: string | undefined;
  /** The company (the stored profile, else the configured one, when rendered). */
  buyer: DocumentSeller;
  supplier: DocumentParty & { id: string; paymentTermsDays: number };
  lines: PurchaseOrderDocumentLine[];
  total: number;
}

/** One object per purchase order, named by its number, beside invoices/ and reminders/. */
export const purchaseOrderKey = (number: string): string => `purchase-orders/${number}.pdf`;
