import type { BillingDocument } from '../documents/model.js';
import { incomplete, missingForEInvoice } from './core.js';
import { ciiXml } from './cii.js';
import { ublXml } from './ubl.js';
import type { EInvoiceFormat } from './formats.js';

// The e-invoice as a file, as the API serves it and an e-mail attaches it: `<number>-ubl.xml` or
// `<number>-cii.xml`.

// what each is: formats.ts
const writers: Record<EInvoiceFormat, (doc: BillingDocument) => string> = { ubl: ublXml, cii: ciiXml };

/** The document's e-invoice in one syntax; `einvoice_incomplete` (422) naming what it lacks. */
export function einvoiceFile(doc: BillingDocument, format: EInvoiceFormat): { filename: string; xml: string } {
  const missing = missingForEInvoice(doc);
  if (missing.length > 0) throw incomplete(doc, missing);
  return { filename: `${doc.number}-${format}.xml`, xml: writers[format](doc) };
}
