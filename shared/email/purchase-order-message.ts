import { formatMoney } from '../domain/money.js';
import type { PurchaseOrderDocument } from '../documents/purchase-order.js';

// What a supplier receives for a purchase order, beside document-message.ts's words for the customer's
// documents; the one attachment is the stored PDF (shared/billing/deliveries.ts).

export function purchaseOrderSubject(doc: PurchaseOrderDocument): string {
  return `Purchase order ${doc.number} from ${doc.buyer.name}`;
}

export function purchaseOrderText(doc: PurchaseOrderDocument): string {
  const total = formatMoney(doc.total, doc.currency, 'en-GB');
  const items = doc.lines.length === 1 ? '1 line' : `${doc.lines.length} lines`;
  return [
    `Dear ${doc.supplier.name},`,
    '',
    `please find attached our purchase order ${doc.number} of ${doc.orderDate} (${items}, ${total}).`,
    `Please confirm it, deliver to the address on the order and quote ${doc.number} on your delivery note and your invoice.`,
    '',
    'Kind regards,',
    doc.buyer.name,
    '',
  ].join('\n');
}
