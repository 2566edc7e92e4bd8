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

export type InvoiceStatus = 'open' | 'partially_paid' | 'paid' | 'credited';

export interface InvoiceAmounts {
  total: number;
  amountPaid: number;
  credited: number;
  status: InvoiceStatus;
}

export type PaymentOutcome =
  | { ok: true; amountPaid: number; balance: number; status: InvoiceStatus }
  | { ok: false; code: 'overpayment' | 'invoice_not_payable'; message: string; balance: number };

export function balanceOf(inv: Pick<InvoiceAmounts, 'total' | 'amountPaid' | 'credited'>): number {
  return inv.total - inv.amountPaid - inv.credited;
}

export function applyPayment(inv: InvoiceAmounts, amount: number): PaymentOutcome {
  const balance = balanceOf(inv);
  if (inv.status === 'paid' || inv.status === 'credited' || balance <= 0) {
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
