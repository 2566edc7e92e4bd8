import PDFDocument from 'pdfkit';
import { loadFonts } from './fonts.js';
import { page } from './pdf-letterhead.js';

// How every erpbi PDF starts and ends (invoice, credit note, reminder, purchase order): A4 at the
// letterhead's margin, DejaVu Sans embedded as 'regular' and 'bold', and the PDF's dates set to the
// document's own date, so the same document gives the same bytes and a redelivered event rewrites an
// identical object. The bytes are collected as pdfkit writes them.

export interface PdfStart {
  /** The PDF's title, e.g. "Invoice INV-2026-000001". */
  title: string;
  /** Who issues it: the PDF's author. */
  author: string;
  /** The document's date (its issue date): the PDF's creation and modification date. */
  date: Date;
  /** More pdfkit options (bufferPages for page numbers, PDF/A for Factur-X). */
  options?: PDFKit.PDFDocumentOptions;
}

export interface StartedPdf {
  pdf: PDFKit.PDFDocument;
  /** Ends the document and answers its bytes. */
  finish: () => Promise<Buffer>;
}

export async function startPdf({ title, author, date, options = {} }: PdfStart): Promise<StartedPdf> {
  const fonts = await loadFonts();
  const pdf = new PDFDocument({
    size: 'A4',
    margin: page.margin,
    // Never the 14 standard fonts: pdfkit would load them from node_modules, which a bundle does not
    // have. pdfkit takes a parsed fontkit font here (fonts.ts); @types/pdfkit only knows a font name.
    font: fonts.regular as unknown as string,
    info: { Title: title, Author: author, Creator: 'erpbi', Producer: 'erpbi', CreationDate: date, ModDate: date },
    ...options,
  });
  pdf.registerFont('regular', fonts.regular as unknown as string);
  pdf.registerFont('bold', fonts.bold as unknown as string);
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((done) => pdf.on('end', () => done()));
  const finish = async () => {
    pdf.end();
    await ended;
    return Buffer.concat(chunks);
  };
  return { pdf, finish };
}
