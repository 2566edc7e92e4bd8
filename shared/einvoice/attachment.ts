import type { BillingDocument } from '../documents/model.js';
import { incomplete, missingForEInvoice } from './core.js';
import { ciiXml } from './cii.js';
import { ublXml } from './ubl.js';

// The e-invoice as a file, as the API serves it and an e-mail attaches it: `<number>-ubl.xml` or
// `<number>-cii.xml`.

export const einvoiceFormats = {
  ubl: { write: ublXml, name: 'UBL 2.1 (Peppol BIS Billing 3.0)' },
  cii: { write: ciiXml, name: 'UN/CEFACT CII D16B' },
} as const;
export type EInvoiceFormat = keyof typeof einvoiceFormats;

/** The document's e-invoice in one syntax; `einvoice_incomplete` (422) naming what it lacks. */
export function einvoiceFile(doc: BillingDocument, format: EInvoiceFormat): { filename: string; xml: string } {
  const missing = missingForEInvoice(doc);
  if (missing.length > 0) throw incomplete(doc, missing);
  return { filename: `${doc.number}-${format}.xml`, xml: einvoiceFormats[format].write(doc) };
}
