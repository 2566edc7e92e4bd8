import { command, defineFunction, mount, reaction } from '../../shared/http/definition.js';
import { commandRoles } from '../../shared/auth/permissions.js';
import {
  renderAndDeliverCreditNote,
  renderAndDeliverInvoice,
  renderAndDeliverPurchaseOrder,
  renderAndDeliverReminder,
  requestDelivery,
  requestPurchaseOrderDelivery,
  sendDelivery,
} from '../../shared/billing/deliveries.js';
import { documentRenderSeconds } from '../../shared/documents/render-metrics.js';
import { sendBody, sendPurchaseOrderBody } from './schema.js';

// The documents: each invoice, credit note and reminder as a PDF in object storage, once issued, and each
// e-mailed to the customer on request (POST /send) or on issue when the company profile says so; each
// purchase order likewise once sent, e-mailed to its supplier (POST /send-purchase-order, or on issue). Its own
// function so that storage or the mail server being down delays only documents (retried until they are
// back), never invoicing; it holds the storage keys and the SMTP password, no other command function does.
export default defineFunction({
  name: 'render-document',
  routes: [
    reaction({
      on: {
        invoice_created: renderAndDeliverInvoice,
        credit_note_issued: renderAndDeliverCreditNote,
        reminder_issued: renderAndDeliverReminder,
        purchase_order_sent: renderAndDeliverPurchaseOrder,
        document_delivery_requested: sendDelivery,
      },
    }),
    command({
      path: '/send',
      roles: commandRoles['render-document/send'],
      body: sendBody,
      idempotent: true,
      successStatus: 202,
      run: (uow, input) => requestDelivery(uow, input),
    }),
    command({
      path: '/send-purchase-order',
      roles: commandRoles['render-document/send-purchase-order'],
      body: sendPurchaseOrderBody,
      idempotent: true,
      successStatus: 202,
      run: (uow, input) => requestPurchaseOrderDelivery(uow, input),
    }),
    // No routes: erpbi_document_render_seconds (each render's time, by kind) on this function's /metrics.
    mount({ register: (_app, { registry }) => registry.registerMetric(documentRenderSeconds), describe: [] }),
  ],
});
