import { defineFunction, mount, reaction } from '../../shared/http/definition.js';
import { creditCancelledOrder, invoiceOrder } from '../../shared/billing/invoicing.js';
import { registerReminderRoutes, reminderOperations } from '../../shared/billing/reminder-routes.js';

// Billing's reaction to the order lifecycle: an invoice when stock is reserved, a credit note when an
// invoiced order is cancelled; and its reminders when an invoice is overdue (POST /reminders, daily).
export default defineFunction({
  name: 'create-invoice',
  routes: [
    reaction({ on: { stock_reserved: invoiceOrder, order_cancelled: creditCancelledOrder } }),
    mount({ register: registerReminderRoutes, describe: reminderOperations }),
  ],
});
