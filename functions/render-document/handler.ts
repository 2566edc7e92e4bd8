import { command, defineFunction, mount, reaction } from '../../shared/http/definition.js';
import { commandRoles } from '../../shared/auth/permissions.js';
import { documentRenderSeconds } from '../../shared/documents/render-metrics.js';
import { sendBody, sendPurchaseOrderBody } from './schema.js';

// The PDF, e-invoice, object-storage and e-mail code (pdfkit, fontkit, xmlbuilder2, @aws-sdk, nodemailer: ~2 MB
// of its 3.3 MB bundle) loads with the first event or command, in a chunk beside index.js (esbuild.config.mjs),
// not at every start: the function answers /_/health in a fraction of the time and holds less until it works.
const deliveries = () => import('../../shared/billing/deliveries.js');

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
        invoice_created: async (uow, e) => (await deliveries()).renderAndDeliverInvoice(uow, e),
        credit_note_issued: async (uow, e) => (await deliveries()).renderAndDeliverCreditNote(uow, e),
        reminder_issued: async (uow, e) => (await deliveries()).renderAndDeliverReminder(uow, e),
        purchase_order_sent: async (uow, e) => (await deliveries()).renderAndDeliverPurchaseOrder(uow, e),
        document_delivery_requested: async (uow, e, ctx) => (await deliveries()).sendDelivery(uow, e, ctx),
      },
    }),
    command({
      path: '/send',
      roles: commandRoles['render-document/send'],
      body: sendBody,
      idempotent: true,
      successStatus: 202,
      run: async (uow, input) => (await deliveries()).requestDelivery(uow, input),
    }),
    command({
      path: '/send-purchase-order',
      roles: commandRoles['render-document/send-purchase-order'],
      body: sendPurchaseOrderBody,
      idempotent: true,
      successStatus: 202,
      run: async (uow, input) => (await deliveries()).requestPurchaseOrderDelivery(uow, input),
    }),
    // No routes: erpbi_document_render_seconds (each render's time, by kind) on this function's /metrics.
    mount({ register: (_app, { registry }) => registry.registerMetric(documentRenderSeconds), describe: [] }),
  ],
});
