// Double-entry postings for billing. Each posting's debits equal its credits, by construction and by test.

export const accounts = {
  cash: '1000-cash',
  receivable: '1200-accounts-receivable',
  taxPayable: '2200-tax-payable',
  revenue: '4000-revenue',
} as const;

export interface Entry {
  account: string;
  debit: number;
  credit: number;
}

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

/** A full credit note reverses the invoice posting. */
export function creditNotePosting(subtotal: number, tax: number): Entry[] {
  return invoicePosting(subtotal, tax).map((e) => ({ account: e.account, debit: e.credit, credit: e.debit }));
}

export function isBalanced(entries: Entry[]): boolean {
  return entries.reduce((s, e) => s + e.debit - e.credit, 0) === 0;
}
