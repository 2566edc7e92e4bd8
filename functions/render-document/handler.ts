import { command, defineFunction, reaction } from '../../shared/http/definition.js';
import { commandRoles } from '../../shared/auth/permissions.js';
import { renderAndDeliverCreditNote, renderAndDeliverInvoice, renderAndDeliverReminder, requestDelivery, sendDelivery } from '../../shared/billing/deliveries.js';
import { sendBody } from './schema.js';

// Billing's documents: each invoice, credit note and reminder as a PDF in object storage, once issued, and each
// e-mailed to the customer on request (POST /send) or on issue when the company profile says so. Its own
// function so that storage or the mail server being down delays only documents (retried until they are
// back), never invoicing; it holds the storage keys and the SMTP password, no other command function does.
export default defineFunction({
  name: 'render-document',
  routes: [
    reaction({
      on: { invoice_created: renderAndDeliverInvoice, credit_note_issued: renderAndDeliverCreditNote, reminder_issued: renderAndDeliverReminder, document_delivery_requested: sendDelivery },
    }),
    command({ path: '/send', roles: commandRoles['render-document/send'], body: sendBody, idempotent: true, successStatus: 202, run: (uow, input) => requestDelivery(uow, input) }),
  ],
});
