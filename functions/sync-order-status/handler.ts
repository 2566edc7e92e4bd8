import { defineFunction, reaction } from '../../shared/http/definition.js';
import { onInvoiceCreated, onPaymentReceived, onReservationFailed, onStockReserved } from '../../shared/orders/status-sync.js';

// Orders' reaction to inventory and billing: keeps each order's status in step with them.
export default defineFunction({
  name: 'sync-order-status',
  routes: [
    reaction({
      on: {
        stock_reserved: onStockReserved,
        stock_reservation_failed: onReservationFailed,
        invoice_created: onInvoiceCreated,
        payment_received: onPaymentReceived,
      },
    }),
  ],
});
