import type { PricedLine } from '../domain/pricing.js';
import type { PostalAddress, VatCategoryCode } from '../domain/parties.js';

// What an issued invoice or credit note says, loaded from billing's records (shared/billing/documents.ts)
// and written out three ways: the PDF (render-pdf.ts), and the EN 16931 e-invoices in UBL and CII
// (shared/einvoice/). Everything a document says comes from here, so the three can never disagree.
// Money in minor units, dates as UTC days (YYYY-MM-DD).

/** A party as the document was issued to or by (frozen with the invoice: a later edit changes nothing issued). */
export interface DocumentParty {
  name: string;
  /** Missing only on documents issued before addresses were kept (they cannot become e-invoices). */
  address?: PostalAddress | undefined;
  vatId?: string | undefined;
  email?: string | undefined;
}

export interface DocumentSeller extends DocumentParty {
  phone?: string | undefined;
  /** A tax registration other than the VAT id (e.g. a national tax number), printed and sent as BT-32. */
  taxRegistration?: string | undefined;
  bank?: { name?: string | undefined; iban: string; bic?: string | undefined } | undefined;
}

export interface DocumentBuyer extends DocumentParty {
  /** The customer's id in erpbi (BT-46, the buyer identifier). */
  id: string;
}

/** A line as priced and issued, with its EN 16931 VAT category (BT-151) and, for E/AE/G/Z, why no tax. */
export interface DocumentLine extends PricedLine {
  vatCategory: VatCategoryCode;
  exemptionReason?: string | undefined;
}

export interface BillingDocument {
  kind: 'invoice' | 'credit_note';
  number: string;
  issueDate: string;
  currency: string;
  seller: DocumentSeller;
  buyer: DocumentBuyer;
  orderId: string;
  lines: DocumentLine[];
  subtotal: number;
  tax: number;
  total: number;
  /** What is left to pay (BT-115): the total less what was paid before the document was issued. */
  amountDue: number;
  /** Legal notes the document must carry (e.g. reverse charge's "VAT reverse charge"), printed and sent as BT-22. */
  notes: string[];
  /** Invoices: when payment is due, and the terms that set it. */
  dueDate?: string | undefined;
  paymentTermsDays?: number | undefined;
  /** Credit notes: the invoice credited (BT-25, BT-26), and why. */
  credits?: { number: string; issueDate: string } | undefined;
  reason?: string | undefined;
}

/** One object per document, named by its number: a redelivery writes the same key again. */
export function documentKey(doc: Pick<BillingDocument, 'kind' | 'number'>): string {
  return `${doc.kind === 'invoice' ? 'invoices' : 'credit-notes'}/${doc.number}.pdf`;
}
