import { page, right } from './pdf-letterhead.js';

// The lines table of a document (an invoice's priced lines, a purchase order's ordered ones): a header
// row, rows that never break across a page (the header repeated on each page they run onto), a rule
// under the last. And the page numbers every multi-page document carries in its bottom margin.

export interface TableColumn<K extends string> {
  key: K;
  title: string;
  width: number;
  align: 'left' | 'right';
}

type Font = 'regular' | 'bold';

/** Prints `rows` from `top` under a header of `columns`; returns where the table ends. */
export function printTable<K extends string, R>(
  pdf: PDFKit.PDFDocument,
  columns: readonly TableColumn<K>[],
  rows: readonly R[],
  cell: (row: R, key: K) => string,
  top: number,
): number {
  const rowHeight = (values: (key: K) => string, font: Font): number => {
    pdf.font(font).fontSize(9);
    return Math.max(...columns.map((c) => pdf.heightOfString(values(c.key), { width: c.width - 6 }))) + 6;
  };
  const row = (values: (key: K) => string, font: Font, at: number): number => {
    const height = rowHeight(values, font);
    let x = page.margin;
    for (const c of columns) {
      pdf.text(values(c.key), x + 3, at, { width: c.width - 6, align: c.align });
      x += c.width;
    }
    return at + height;
  };
  const header = (at: number) => {
    const bottom = row((k) => columns.find((c) => c.key === k)!.title, 'bold', at);
    pdf
      .moveTo(page.margin, bottom - 3)
      .lineTo(right, bottom - 3)
      .lineWidth(0.5)
      .stroke();
    return bottom + 2;
  };
  let y = header(top);
  for (const r of rows) {
    // Measured first: a row never starts on one page and ends on the next (a long name wraps to many lines).
    if (y + rowHeight((k) => cell(r, k), 'regular') > page.height - page.margin) {
      pdf.addPage();
      y = header(page.margin);
    }
    y = row((k) => cell(r, k), 'regular', y);
  }
  pdf.moveTo(page.margin, y).lineTo(right, y).lineWidth(0.5).stroke();
  return y;
}

/** "<number> · page i of n" at the foot of every page; the document must be started with bufferPages. */
export function printPageNumbers(pdf: PDFKit.PDFDocument, number: string): void {
  const pages = pdf.bufferedPageRange();
  for (let i = 0; i < pages.count; i++) {
    pdf.switchToPage(pages.start + i);
    pdf.page.margins.bottom = 0; // the footer sits in the bottom margin; without this pdfkit starts a new page
    pdf.font('regular').fontSize(8).fillColor('#555555');
    pdf.text(`${number} · page ${i + 1} of ${pages.count}`, page.margin, page.height - page.margin + 10, {
      width: right - page.margin,
      align: 'center',
      lineBreak: false,
    });
    pdf.fillColor('black');
  }
}
