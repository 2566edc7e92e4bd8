import { chart, type AccountCode, type AccountKey } from './chart-of-accounts.js';

// Double-entry postings for billing. Each posting's debits equal its credits, by construction and by test;
// every account is one of the chart's (shared/domain/chart-of-accounts.ts), checked by the compiler.

/** The chart's codes by key (`accounts.receivable` is '1200-accounts-receivable'). */
export const accounts = Object.fromEntries(Object.entries(chart).map(([key, a]) => [key, a.code])) as { [K in AccountKey]: (typeof chart)[K]['code'] };

export interface Entry {
  account: AccountCode;
  debit: number;
  credit: number;
}

/**
 * Which document a posting books (`id`, `<kind>:<document id>`, unique per posting) and the invoice its
 * receivable lines belong to: accounts receivable per customer and per invoice is read from it
 * (billing.ledger_view), so a posting that touches receivables must name its invoice.
 */
export interface PostingRef {
  id: string;
  invoiceId: string | null;
}

export const postingRef = {
  invoice: (invoiceId: string): PostingRef => ({ id: `invoice:${invoiceId}`, invoiceId }),
  payment: (paymentId: string, invoiceId: string): PostingRef => ({ id: `payment:${paymentId}`, invoiceId }),
  creditNote: (creditNoteId: string, invoiceId: string): PostingRef => ({ id: `credit-note:${creditNoteId}`, invoiceId }),
  refund: (refundId: string, invoiceId: string): PostingRef => ({ id: `refund:${refundId}`, invoiceId }),
  reminder: (reminderId: string, invoiceId: string): PostingRef => ({ id: `reminder:${reminderId}`, invoiceId }),
};

export function invoicePosting(subtotal: number, tax: number): Entry[] {
  return [
    { account: accounts.receivable, debit: subtotal + tax, credit: 0 },
    { account: accounts.revenue, debit: 0, credit: subtotal },
    { account: accounts.taxPayable, debit: 0, credit: tax },
  ];
}

export function paymentPosting(amount: number): Entry[] {
  return [
    { account: accounts.cash, debit: amount, credit: 0 },
    { account: accounts.receivable, debit: 0, credit: amount },
  ];
}

/** A credit note reverses the invoice posting for its amounts (the whole invoice's on a cancel, a
 *  return's lines otherwise). On an invoice paid beyond what is left invoiced, the receivable turns
 *  negative: a credit balance, what is owed back to the customer (the ledger reads' `credit` column). */
export function creditNotePosting(subtotal: number, tax: number): Entry[] {
  return invoicePosting(subtotal, tax).map((e) => ({ account: e.account, debit: e.credit, credit: e.debit }));
}

/** A refund pays back what is owed: it settles the receivable's credit balance out of cash. */
export function refundPosting(amount: number): Entry[] {
  return [
    { account: accounts.receivable, debit: amount, credit: 0 },
    { account: accounts.cash, debit: 0, credit: amount },
  ];
}

/** A reminder's fee: owed beside the invoice (1210), never in its balance (1200), so receivables still
 *  equal the invoices' balances (docs/ledger.md, "Reminder fees"). */
export function reminderFeePosting(fee: number): Entry[] {
  return [
    { account: accounts.reminderFeesReceivable, debit: fee, credit: 0 },
    { account: accounts.reminderFees, debit: 0, credit: fee },
  ];
}

export function isBalanced(entries: Entry[]): boolean {
  return entries.reduce((s, e) => s + e.debit - e.credit, 0) === 0;
}

/** Why a posting may not be written (our bug, not the user's input), or null. */
export function postingProblem(ref: PostingRef, entries: Entry[]): string | null {
  if (!isBalanced(entries)) return `posting ${ref.id} does not balance`;
  if (ref.invoiceId === null && entries.some((e) => e.account === accounts.receivable)) return `posting ${ref.id} books receivables without naming its invoice`;
  return null;
}
