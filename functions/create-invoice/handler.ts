import { defineFunction, reaction } from '../../shared/http/definition.js';
import { creditCancelledOrder, invoiceOrder } from '../../shared/billing/invoicing.js';

// Billing's reaction to the order lifecycle: an invoice when stock is reserved, a credit note when an invoiced order is cancelled.
export default defineFunction({
  name: 'create-invoice',
  routes: [reaction({ on: { stock_reserved: invoiceOrder, order_cancelled: creditCancelledOrder } })],
});
