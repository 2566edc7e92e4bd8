import { documentFormat } from './document-format.js';
import { startPdf } from './pdf-start.js';
import { rendering } from './render-queue.js';
import { page, printBank, printFacts, printSeller, right } from './pdf-letterhead.js';
import { levelName, type ReminderDocument } from './reminder.js';

// A reminder as a one-page A4 letter: the seller, the customer, the overdue invoice and what is owed.
// Deterministic (pdf-start.ts: dates from the issue date, the same fonts), so a redelivered
// reminder_issued rewrites identical bytes.

// The seller is the reminded invoice's, as issued (doc.seller).
export function renderReminderPdf(doc: ReminderDocument, locale = 'en-GB'): Promise<Buffer> {
  return rendering('reminder', () => layOut(doc, locale));
}

async function layOut(doc: ReminderDocument, locale: string): Promise<Buffer> {
  const company = doc.seller;
  const issued = new Date(`${doc.issueDate}T00:00:00Z`);
  const title = levelName(doc.level);
  const { pdf, finish } = await startPdf({ title: `${title} ${doc.number}`, author: company.name, date: issued });
  const { money, day } = documentFormat(doc.currency, locale);

  const sellerBottom = printSeller(pdf, company, { taxRegistration: false });

  pdf
    .font('bold')
    .fontSize(18)
    .text(title.toUpperCase(), 300, page.margin, { width: right - 300, align: 'right' });
  pdf.fontSize(9);
  const facts: [string, string][] = [
    ['Number', doc.number],
    ['Date', day(doc.issueDate)],
    ['Level', String(doc.level)],
    ['Invoice', doc.invoice.number],
  ];
  printFacts(pdf, facts);

  let y = Math.max(sellerBottom, pdf.y) + 24;
  pdf.font('regular').fontSize(8).fillColor('#555555').text('TO', page.margin, y);
  pdf.fillColor('black').font('bold').fontSize(11).text(doc.buyer.name, { width: 300 });
  pdf.font('regular').fontSize(9).text(`Customer ${doc.buyer.id}`, { width: 300 });
  if (doc.buyer.email) pdf.text(doc.buyer.email, { width: 300 });

  y = pdf.y + 24;
  pdf
    .font('regular')
    .fontSize(10)
    .text(
      `Our invoice ${doc.invoice.number} of ${day(doc.invoice.issueDate)}, due on ${day(doc.invoice.dueDate)}, is ${doc.daysPastDue} days overdue. ` +
        `According to our records ${money(doc.balance)} of its ${money(doc.invoice.total)} is still unpaid.`,
      page.margin,
      y,
      { width: right - page.margin },
    );
  y = pdf.y + 14;
  const rows: [string, string, 'regular' | 'bold'][] = [
    [`Unpaid on invoice ${doc.invoice.number}`, money(doc.balance), 'regular'],
    ...(doc.fee > 0 ? ([['Reminder fee', money(doc.fee), 'regular']] as [string, string, 'regular'][]) : []),
    ['Total to pay', money(doc.balance + doc.fee), 'bold'],
  ];
  for (const [label, value, font] of rows) {
    pdf.font(font).fontSize(font === 'bold' ? 11 : 10);
    pdf.text(label, 280, y, { width: 180 });
    pdf.text(value, 460, y, { width: right - 460, align: 'right' });
    y = pdf.y + 4;
  }
  y += 14;
  pdf
    .font('regular')
    .fontSize(10)
    .text(
      `Please pay ${money(doc.balance + doc.fee)} promptly, quoting ${doc.invoice.number}. If you have paid in the meantime, please disregard this reminder.`,
      page.margin,
      y,
      { width: right - page.margin },
    );
  if (company.bank) printBank(pdf, company.bank);
  return finish();
}
