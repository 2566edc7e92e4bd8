import { kindLabel } from '../billing/deliverable-kinds.js';
import { formatMoney } from '../domain/money.js';
import type { BillingDocument } from '../documents/model.js';
import type { Attachment } from './transport.js';
import { einvoiceFile } from '../einvoice/attachment.js';
import { missingForEInvoice } from '../einvoice/core.js';

// What a customer receives for one billing document: the words and the files. Built from the document
// as issued, like the PDF; the PDF's bytes are the stored object's (shared/billing/deliveries.ts).

/** Every file sent with a document, in one place: the PDF (Factur-X when the document can be an
 *  e-invoice) and then the EN 16931 e-invoice in UBL (Peppol BIS Billing 3.0), the syntax most
 *  receiving systems take; a document that cannot be one (no buyer address) goes with its PDF alone. */
export function documentAttachments(doc: BillingDocument, pdf: Uint8Array): Attachment[] {
  const pdfFile: Attachment = { filename: `${doc.number}.pdf`, content: pdf, contentType: 'application/pdf' };
  if (missingForEInvoice(doc).length > 0) return [pdfFile];
  const { filename, xml } = einvoiceFile(doc, 'ubl');
  return [pdfFile, { filename, content: Buffer.from(xml), contentType: 'application/xml' }];
}

export function documentSubject(doc: BillingDocument): string {
  return `${kindLabel[doc.kind]} ${doc.number} from ${doc.seller.name}`;
}

export function documentText(doc: BillingDocument): string {
  const total = formatMoney(doc.total, doc.currency, 'en-GB');
  const what =
    doc.kind === 'credit_note'
      ? `please find attached our credit note ${doc.number} of ${doc.issueDate}${doc.credits ? ` for invoice ${doc.credits.number}` : ''}, crediting ${total}.`
      : `please find attached our invoice ${doc.number} of ${doc.issueDate} for ${total}${doc.dueDate ? `, due on ${doc.dueDate}` : ''}.`;
  return [`Dear ${doc.buyer.name},`, '', what, '', 'Kind regards,', doc.seller.name, ''].join('\n');
}
