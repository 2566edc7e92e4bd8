import { addressLines } from '../domain/postal-address.js';
import { page, printFacts, printSeller, right } from './pdf-letterhead.js';
import { documentFormat } from './document-format.js';
import { startPdf } from './pdf-start.js';
import { rendering } from './render-queue.js';
import { printPageNumbers, printTable, type TableColumn } from './pdf-table.js';
import type { PurchaseOrderDocument, PurchaseOrderDocumentLine } from './purchase-order.js';

// A purchase order as an A4 document for its supplier: our letterhead (we buy), the supplier, where to
// deliver, the lines with our sku and theirs, the total. Deterministic (pdf-start.ts: dated by the day
// it was sent), so a redelivered purchase_order_sent rewrites identical bytes.

type Column = 'lineNo' | 'sku' | 'supplierSku' | 'name' | 'quantity' | 'unitCost' | 'total';
const columns: readonly TableColumn<Column>[] = [
  { key: 'lineNo', title: '#', width: 20, align: 'right' },
  { key: 'sku', title: 'Our SKU', width: 90, align: 'left' },
  { key: 'supplierSku', title: 'Your SKU', width: 80, align: 'left' },
  { key: 'name', title: 'Description', width: 125, align: 'left' },
  { key: 'quantity', title: 'Qty', width: 35, align: 'right' },
  { key: 'unitCost', title: 'Unit cost', width: 70, align: 'right' },
  { key: 'total', title: 'Line total', width: 75, align: 'right' },
];

export function renderPurchaseOrderPdf(doc: PurchaseOrderDocument, locale = 'en-GB'): Promise<Buffer> {
  return rendering('purchase_order', () => layOut(doc, locale));
}

async function layOut(doc: PurchaseOrderDocument, locale: string): Promise<Buffer> {
  const { pdf, finish } = await startPdf({
    title: `Purchase order ${doc.number}`,
    author: doc.buyer.name,
    date: new Date(`${doc.orderDate}T00:00:00Z`),
    options: { bufferPages: true },
  });
  const { money, day } = documentFormat(doc.currency, locale);

  // We are the buyer: our letterhead top left (the VAT id a supplier in another member state invoices against).
  const letterheadBottom = printSeller(pdf, doc.buyer);
  pdf
    .font('bold')
    .fontSize(18)
    .text('PURCHASE ORDER', 300, page.margin, { width: right - 300, align: 'right' });
  pdf.fontSize(9);
  printFacts(pdf, [
    ['Number', doc.number],
    ['Date', day(doc.orderDate)],
    ['Payment terms', doc.supplier.paymentTermsDays === 0 ? 'due on receipt' : `${doc.supplier.paymentTermsDays} days net`],
    ['Currency', doc.currency],
  ]);

  // The supplier left, where the goods go right.
  const top = Math.max(letterheadBottom, pdf.y) + 24;
  const block = (x: number, heading: string, name: string, lines: string[]) => {
    pdf.font('regular').fontSize(8).fillColor('#555555').text(heading, x, top, { width: 230 });
    pdf.fillColor('black').font('bold').fontSize(11).text(name, { width: 230 });
    pdf.font('regular').fontSize(9);
    for (const line of lines) pdf.text(line, { width: 230 });
    return pdf.y;
  };
  const supplier = doc.supplier;
  const supplierBottom = block(page.margin, 'SUPPLIER', supplier.name, [
    ...addressLines(supplier.address),
    ...(supplier.vatId ? [`VAT ID ${supplier.vatId}`] : []),
    `Supplier ${supplier.id}`,
    ...(supplier.email ? [supplier.email] : []),
  ]);
  const deliverBottom = block(330, 'PLEASE DELIVER TO', doc.buyer.name, addressLines(doc.buyer.address));

  let y = Math.max(supplierBottom, deliverBottom) + 20;
  const cell = (line: PurchaseOrderDocumentLine, key: Column): string => {
    switch (key) {
      case 'lineNo':
        return String(line.lineNo);
      case 'sku':
        return line.sku;
      case 'supplierSku':
        return line.supplierSku ?? '';
      case 'name':
        return line.name;
      case 'quantity':
        return String(line.quantity);
      case 'unitCost':
        return money(line.unitCost);
      case 'total':
        return money(line.total);
    }
  };
  y = printTable(pdf, columns, doc.lines, cell, y);

  if (y + 90 > page.height - page.margin) {
    pdf.addPage();
    y = page.margin;
  }
  y += 10;
  pdf.font('bold').fontSize(11);
  pdf.text(`Total (${doc.currency})`, 280, y, { width: 180 });
  pdf.text(money(doc.total), 460, y, { width: right - 460, align: 'right' });
  y = pdf.y + 20;
  if (doc.note) {
    pdf
      .font('bold')
      .fontSize(9)
      .text('Note', page.margin, y, { width: right - page.margin });
    pdf.font('regular').text(doc.note, { width: right - page.margin });
    y = pdf.y + 10;
  }
  pdf
    .font('regular')
    .fontSize(9)
    .text(`Please confirm this order and quote ${doc.number} on your delivery note and your invoice.`, page.margin, y, { width: right - page.margin });
  printPageNumbers(pdf, doc.number);
  return finish();
}
