import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accounts, creditNotePosting, invoicePosting, isBalanced, paymentPosting, postingProblem, postingRef, type Entry } from './ledger.js';

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
    expect(isBalanced([{ account: accounts.cash, debit: 1, credit: 0 }])).toBe(false);
    expect(postingProblem(postingRef.payment('p1', 'i1'), [{ account: accounts.cash, debit: 1, credit: 0 }])).toMatch(/does not balance/);
  });

  it('refuses receivables that name no invoice, so AR per customer never loses a line', () => {
    expect(postingProblem({ id: 'manual:1', invoiceId: null }, paymentPosting(100))).toMatch(/without naming its invoice/);
    expect(
      postingProblem({ id: 'manual:1', invoiceId: null }, [
        { account: accounts.cash, debit: 5, credit: 0 },
        { account: accounts.ownersEquity, debit: 0, credit: 5 },
      ]),
    ).toBeNull();
    expect(postingProblem(postingRef.invoice('i1'), invoicePosting(1000, 200))).toBeNull();
  });

  it('takes only accounts of the chart (checked by the compiler)', () => {
    // @ts-expect-error: '9999-suspense' is not an account of the chart
    const wrong: Entry = { account: '9999-suspense', debit: 1, credit: 0 };
    expect(wrong.account).toBe('9999-suspense');
  });
});
