import type { PricedLine } from '../domain/pricing.js';

// What a printed invoice or credit note says, loaded from billing's records (shared/billing/documents.ts)
// and laid out by render-pdf.ts. Money in minor units, dates as UTC days (YYYY-MM-DD).

export interface BillingDocument {
  kind: 'invoice' | 'credit_note';
  number: string;
  issueDate: string;
  currency: string;
  buyer: { id: string; name: string; email?: string | undefined };
  orderId: string;
  /** As priced on the order and issued on the invoice. */
  lines: PricedLine[];
  subtotal: number;
  tax: number;
  total: number;
  /** Invoices: when payment is due, and the terms that set it. */
  dueDate?: string | undefined;
  paymentTermsDays?: number | undefined;
  /** Credit notes: the invoice credited, and why. */
  credits?: { number: string; issueDate: string } | undefined;
  reason?: string | undefined;
}

/** One object per document, named by its number: a redelivery writes the same key again. */
export function documentKey(doc: Pick<BillingDocument, 'kind' | 'number'>): string {
  return `${doc.kind === 'invoice' ? 'invoices' : 'credit-notes'}/${doc.number}.pdf`;
}
