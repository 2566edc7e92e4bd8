import { defineFunction, reaction } from '../../shared/http/definition.js';
import { renderCreditNote, renderInvoice } from '../../shared/billing/documents.js';

// Billing's documents: each invoice and credit note as a PDF in object storage, once issued. Its own
// function so that storage being down delays only documents (retried until it is back), never invoicing.
export default defineFunction({
  name: 'render-document',
  routes: [reaction({ on: { invoice_created: renderInvoice, credit_note_issued: renderCreditNote } })],
});
