import { taxSubtotals } from '../domain/invoice.js';
import { bpToPercentText } from '../domain/money.js';
import { asFacturX, pdfA3b } from './factur-x.js';
import { vatCategoryLabel } from '../domain/vat-category.js';
import { addressLines } from '../domain/postal-address.js';
import type { BillingDocument } from './model.js';
import { page, printBank, printFacts, printSeller, right } from './pdf-letterhead.js';
import { documentFormat } from './document-format.js';
import { startPdf } from './pdf-start.js';
import { rendering } from './render-queue.js';
import { printPageNumbers, printTable } from './pdf-table.js';

// One column grid for the lines table (A4, the letterhead's page).
const columns = [
  { key: 'sku', title: 'SKU', width: 70, align: 'left' },
  { key: 'name', title: 'Description', width: 145, align: 'left' },
  { key: 'quantity', title: 'Qty', width: 35, align: 'right' },
  { key: 'unitPrice', title: 'Unit price', width: 65, align: 'right' },
  { key: 'net', title: 'Net', width: 65, align: 'right' },
  { key: 'rate', title: 'Tax', width: 40, align: 'right' },
  { key: 'tax', title: 'Tax amount', width: 75, align: 'right' },
] as const;
type Column = (typeof columns)[number]['key'];

export interface RenderOptions {
  locale?: string;
  /** The document's CII XML (EN 16931): given, the PDF is Factur-X, PDF/A-3b with the XML embedded (factur-x.ts). */
  facturX?: { xml: string };
}

/**
 * The document as PDF bytes. Deterministic: the same document gives the same bytes (the PDF's dates
 * are its issue date, fonts are subset the same way), so a redelivered event rewrites an identical object.
 */
// What the document prints of the seller, and the PDF's author, is doc.seller, as issued.
export function renderPdf(doc: BillingDocument, options: RenderOptions = {}): Promise<Buffer> {
  return rendering(doc.kind, () => layOut(doc, options));
}

async function layOut(doc: BillingDocument, { locale = 'en-GB', facturX }: RenderOptions): Promise<Buffer> {
  const issued = new Date(`${doc.issueDate}T00:00:00Z`);
  const title = doc.kind === 'invoice' ? 'Invoice' : 'Credit note';
  const { pdf, finish } = await startPdf({
    title: `${title} ${doc.number}`,
    author: doc.seller.name,
    date: issued,
    options: { bufferPages: true, ...(facturX ? pdfA3b : {}) },
  });
  if (facturX) await asFacturX(pdf, facturX.xml, issued);

  const { money, day } = documentFormat(doc.currency, locale);

  // Seller as issued (doc.seller), top left; the document's title and facts, top right.
  const seller = doc.seller;
  const sellerBottom = printSeller(pdf, seller);

  const facts: [string, string][] = [
    ['Number', doc.number],
    ['Issue date', day(doc.issueDate)],
    ...(doc.dueDate ? ([['Due date', day(doc.dueDate)]] as [string, string][]) : []),
    ...(doc.paymentTermsDays !== undefined
      ? ([['Payment terms', doc.paymentTermsDays === 0 ? 'due on receipt' : `${doc.paymentTermsDays} days net`]] as [string, string][])
      : []),
    ...(doc.credits ? ([['Credits invoice', `${doc.credits.number} of ${day(doc.credits.issueDate)}`]] as [string, string][]) : []),
    ['Order', doc.orderId],
  ];
  pdf
    .font('bold')
    .fontSize(20)
    .text(title.toUpperCase(), 330, page.margin, { width: right - 330, align: 'right' });
  pdf.fontSize(9);
  printFacts(pdf, facts);

  // The buyer.
  let y = Math.max(sellerBottom, pdf.y) + 24;
  pdf.font('regular').fontSize(8).fillColor('#555555').text('BILL TO', page.margin, y);
  pdf.fillColor('black').font('bold').fontSize(11).text(doc.buyer.name, { width: 300 });
  pdf.font('regular').fontSize(9);
  for (const line of addressLines(doc.buyer.address)) pdf.text(line, { width: 300 });
  if (doc.buyer.vatId) pdf.text(`VAT ID ${doc.buyer.vatId}`, { width: 300 });
  pdf.text(`Customer ${doc.buyer.id}`, { width: 300 });
  if (doc.buyer.email) pdf.text(doc.buyer.email, { width: 300 });
  if (doc.reason) pdf.moveDown(0.5).text(`Reason: ${doc.reason}`, { width: 300 });

  // The lines (pdf-table.ts: the header repeated on every page they run onto).
  y = pdf.y + 20;
  const cell = (line: BillingDocument['lines'][number], key: Column): string => {
    switch (key) {
      case 'sku':
        return line.sku;
      case 'name':
        return line.name;
      case 'quantity':
        return String(line.quantity);
      case 'unitPrice':
        return money(line.unitPrice);
      case 'net':
        return money(line.net);
      case 'rate':
        return `${bpToPercentText(line.taxRateBp)} %`;
      case 'tax':
        return money(line.tax);
    }
  };
  y = printTable(pdf, columns, doc.lines, cell, y);

  // Tax by category and rate (BG-23), then the totals, right-aligned under the money columns.
  const summary: [string, string, 'regular' | 'bold'][] = [
    ...taxSubtotals(doc.lines).map((s): [string, string, 'regular'] => [`${vatCategoryLabel(s)} on ${money(s.net)}`, money(s.tax), 'regular']),
    ['Subtotal', money(doc.subtotal), 'regular'],
    ['Tax', money(doc.tax), 'regular'],
    [doc.kind === 'invoice' ? 'Total due' : 'Total credited', money(doc.total), 'bold'],
  ];
  if (y + summary.length * 14 + doc.notes.length * 24 + 90 > page.height - page.margin) {
    pdf.addPage();
    y = page.margin;
  }
  y += 10;
  for (const [label, value, font] of summary) {
    pdf.font(font).fontSize(font === 'bold' ? 11 : 9);
    pdf.text(label, 240, y, { width: 220 }); // wide enough for "Reverse charge (AE) 0 % on €1,000,000.00" on one line
    pdf.text(value, 460, y, { width: right - 460, align: 'right' });
    y = pdf.y + 4;
  }

  // How to pay (invoices), or what the credit means.
  y += 16;
  // The legal notes (reverse charge, export), above how to pay.
  for (const note of doc.notes) {
    pdf
      .font('bold')
      .fontSize(9)
      .text(note, page.margin, y, { width: right - page.margin });
    y = pdf.y + 6;
  }
  pdf
    .font('regular')
    .fontSize(9)
    .text(
      doc.kind === 'invoice'
        ? `Please pay ${money(doc.total)}${doc.dueDate ? ` by ${day(doc.dueDate)}` : ''}, quoting ${doc.number}.`
        : `This credit note cancels invoice ${doc.credits?.number ?? ''} in full; any amount already paid will be refunded.`,
      page.margin,
      y,
      { width: right - page.margin },
    );
  if (doc.kind === 'invoice' && seller.bank) printBank(pdf, seller.bank);

  // Page numbers, once every page exists.
  printPageNumbers(pdf, doc.number);
  return finish();
}
