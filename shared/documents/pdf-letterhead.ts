import { addressLines } from '../domain/postal-address.js';
import type { DocumentSeller } from './model.js';

// The letterhead every erpbi PDF shares (invoice, credit note, reminder): the seller top left, the
// document's facts top right, the bank under the closing text. One place, so the documents look alike.
export const page = { margin: 50, width: 595.28, height: 841.89 };
export const right = page.width - page.margin;

/** The seller as issued, top left; returns where the block ends. The reminder letter leaves out the tax registration. */
export function printSeller(pdf: PDFKit.PDFDocument, seller: DocumentSeller, { taxRegistration = true } = {}): number {
  pdf.font('bold').fontSize(14).text(seller.name, page.margin, page.margin, { width: 260 });
  pdf.font('regular').fontSize(9);
  for (const line of addressLines(seller.address)) pdf.text(line, { width: 260 });
  if (seller.vatId) pdf.text(`VAT ID ${seller.vatId}`, { width: 260 });
  if (taxRegistration && seller.taxRegistration) pdf.text(`Tax registration ${seller.taxRegistration}`, { width: 260 });
  for (const contact of [seller.email, seller.phone]) if (contact) pdf.text(contact, { width: 260 });
  return pdf.y;
}

/** Label and value pairs under the title, top right. */
export function printFacts(pdf: PDFKit.PDFDocument, facts: [string, string][]): void {
  for (const [label, value] of facts) {
    const y = pdf.y;
    pdf.font('regular').text(label, 330, y, { width: 80 });
    pdf.font('bold').text(value, 410, y, { width: right - 410, align: 'right' });
  }
}

/** The seller's bank on one line, where the document says how to pay. */
export function printBank(pdf: PDFKit.PDFDocument, bank: NonNullable<DocumentSeller['bank']>): void {
  pdf.text([bank.name, `IBAN ${bank.iban}`, bank.bic ? `BIC ${bank.bic}` : undefined].filter(Boolean).join(' · '), { width: right - page.margin });
}
