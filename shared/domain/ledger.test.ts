import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { creditNotePosting, invoicePosting, isBalanced, paymentPosting } from './ledger.js';

describe('double-entry postings', () => {
  it('every posting balances', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 1e11 }), (net, tax) => {
        expect(isBalanced(invoicePosting(net, tax))).toBe(true);
        expect(isBalanced(paymentPosting(net + 1))).toBe(true);
        expect(isBalanced(creditNotePosting(net, tax))).toBe(true);
      }),
    );
  });

  it('an invoice and its credit note cancel out per account', () => {
    const sum = new Map<string, number>();
    for (const e of [...invoicePosting(1000, 200), ...creditNotePosting(1000, 200)]) sum.set(e.account, (sum.get(e.account) ?? 0) + e.debit - e.credit);
    expect([...sum.values()].every((v) => v === 0)).toBe(true);
  });

  it('detects an unbalanced posting', () => {
    expect(isBalanced([{ account: 'a', debit: 1, credit: 0 }])).toBe(false);
  });
});
