import type { VatCategoryCode } from './parties.js';
import { categoryOf } from './vat-category.js';

// Invoice rules: numbering, due dates, payment application.

export const invoiceSeries = 'INV';
export const creditNoteSeries = 'CN';

export function documentNumber(series: string, year: number, seq: number): string {
  return `${series}-${year}-${String(seq).padStart(6, '0')}`;
}

/** Issue date as the UTC calendar day; due date = issue date + payment terms in days. */
export function invoiceDates(now: Date, paymentTermsDays: number): { issueDate: string; dueDate: string; year: number } {
  const issue = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const due = new Date(issue.getTime() + paymentTermsDays * 86_400_000);
  return { issueDate: issue.toISOString().slice(0, 10), dueDate: due.toISOString().slice(0, 10), year: issue.getUTCFullYear() };
}

/** Every status an invoice can be in; statusOf and applyPayment below are its moves. The one list: the
 *  events, the reads' filters and the screens derive from it, and billing.invoices' CHECK is held equal to
 *  it (tests/integration/status-constraints.test.ts): a change here needs a migration. */
export const invoiceStatuses = ['open', 'partially_paid', 'paid', 'credited'] as const;
export type InvoiceStatus = (typeof invoiceStatuses)[number];
/** The statuses that still await money: payments apply to these, reminders go to these. */
export const unpaidInvoiceStatuses = ['open', 'partially_paid'] as const satisfies readonly InvoiceStatus[];
export const isUnpaid = (status: string): boolean => (unpaidInvoiceStatuses as readonly string[]).includes(status);

export interface InvoiceAmounts {
  total: number;
  amountPaid: number;
  credited: number;
  /** Paid back to the customer (refunds); absent is none. */
  refunded?: number | undefined;
  status: InvoiceStatus;
}

export type PaymentOutcome =
  | { ok: true; amountPaid: number; balance: number; status: InvoiceStatus }
  | { ok: false; code: 'overpayment' | 'invoice_not_payable'; message: string; balance: number };

/** What is still owed on the invoice; negative when the customer paid more than is left invoiced
 *  (a paid invoice partly credited): that much is owed back to them until refunded. */
export function balanceOf(inv: Pick<InvoiceAmounts, 'total' | 'amountPaid' | 'credited' | 'refunded'>): number {
  return inv.total - inv.credited - (inv.amountPaid - (inv.refunded ?? 0));
}

/** What a refund may still pay back: what was paid beyond what is still invoiced, less refunds made. */
export function refundDueOf(inv: Pick<InvoiceAmounts, 'total' | 'amountPaid' | 'credited' | 'refunded'>): number {
  return Math.max(0, -balanceOf(inv));
}

/** The status once `credited` of the invoice is credited: fully credited is 'credited'; otherwise it
 *  follows what is still owed (nothing owed: 'paid', as far as a payment has been made). */
export function statusOf(inv: Pick<InvoiceAmounts, 'total' | 'amountPaid' | 'credited' | 'refunded'>): InvoiceStatus {
  if (inv.credited >= inv.total) return 'credited';
  if (balanceOf(inv) <= 0) return 'paid';
  return inv.amountPaid > 0 ? 'partially_paid' : 'open';
}

export type CreditOutcome =
  | { ok: true; credited: number; status: InvoiceStatus; balance: number; refundDue: number }
  | { ok: false; code: 'over_credit'; message: string; creditable: number };

/** A credit note of `amount` on the invoice: never more credited in all than invoiced. */
export function applyCredit(inv: InvoiceAmounts, amount: number): CreditOutcome {
  const creditable = inv.total - inv.credited;
  if (amount > creditable)
    return { ok: false, code: 'over_credit', message: `the amount ${amount} is above what is left to credit, ${creditable}`, creditable };
  const next = { ...inv, credited: inv.credited + amount };
  return { ok: true, credited: next.credited, status: statusOf(next), balance: balanceOf(next), refundDue: refundDueOf(next) };
}

export type RefundOutcome =
  { ok: true; refunded: number; refundDue: number } | { ok: false; code: 'nothing_to_refund' | 'over_refund'; message: string; refundDue: number };

/** A refund of `amount`: only of what is owed back (paid beyond what is still invoiced). */
export function applyRefund(inv: InvoiceAmounts, amount: number): RefundOutcome {
  const refundDue = refundDueOf(inv);
  if (refundDue === 0) return { ok: false, code: 'nothing_to_refund', message: 'nothing is owed back on this invoice', refundDue };
  if (amount > refundDue) return { ok: false, code: 'over_refund', message: `the amount ${amount} is above what is owed back, ${refundDue}`, refundDue };
  const refunded = (inv.refunded ?? 0) + amount;
  return { ok: true, refunded, refundDue: refundDue - amount };
}

export function applyPayment(inv: InvoiceAmounts, amount: number): PaymentOutcome {
  const balance = balanceOf(inv);
  if (!isUnpaid(inv.status) || balance <= 0) {
    return { ok: false, code: 'invoice_not_payable', message: `the invoice is ${inv.status}`, balance };
  }
  if (amount > balance) return { ok: false, code: 'overpayment', message: `the amount ${amount} is above the balance ${balance}`, balance };
  const amountPaid = inv.amountPaid + amount;
  const left = balance - amount;
  return { ok: true, amountPaid, balance: left, status: left === 0 ? 'paid' : 'partially_paid' };
}

export interface TaxedLine {
  taxRateBp: number;
  net: number;
  tax: number;
  vatCategory?: VatCategoryCode | undefined;
  exemptionReason?: string | undefined;
}

export interface TaxSubtotal {
  vatCategory: VatCategoryCode;
  taxRateBp: number;
  net: number;
  tax: number;
  /** For E, AE, G: why no tax (BT-120), from the first line of the group. */
  exemptionReason?: string;
}

/**
 * The tax summary an invoice shows (what a tax return asks for, EN 16931 BG-23): net and tax per VAT
 * category and rate, lowest rate first, then by category. Sums of the lines as issued (tax is rounded
 * per line, see pricing.ts), so the rows add up to the invoice's totals. The invoice page, its
 * printable copy and the PDF all use this one.
 */
export function taxSubtotals(lines: readonly TaxedLine[]): TaxSubtotal[] {
  const groups = new Map<string, TaxSubtotal>();
  for (const l of lines) {
    const vatCategory = categoryOf(l);
    const key = `${vatCategory}/${l.taxRateBp}`;
    const s = groups.get(key) ?? { vatCategory, taxRateBp: l.taxRateBp, net: 0, tax: 0, ...(l.exemptionReason ? { exemptionReason: l.exemptionReason } : {}) };
    s.net += l.net;
    s.tax += l.tax;
    groups.set(key, s);
  }
  return [...groups.values()].sort((a, b) => a.taxRateBp - b.taxRateBp || a.vatCategory.localeCompare(b.vatCategory));
}
