import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accounts, creditNotePosting, invoicePosting, paymentPosting, type Entry } from './ledger.js';
import { trialBalance, type AccountSums } from './trial-balance.js';

const sumsOf = (currency: string, entries: Entry[]): AccountSums[] => {
  const by = new Map<string, AccountSums>();
  for (const e of entries) {
    const s = by.get(e.account) ?? { currency, account: e.account, debits: 0, credits: 0 };
    s.debits += e.debit;
    s.credits += e.credit;
    by.set(e.account, s);
  }
  return [...by.values()];
};

describe('trial balance', () => {
  it('balances per currency for any mix of postings, and never adds currencies together', () => {
    const amount = fc.integer({ min: 0, max: 1e10 });
    fc.assert(
      fc.property(fc.array(fc.tuple(amount, amount, fc.constantFrom('EUR', 'USD'), fc.nat(2)), { maxLength: 30 }), (docs) => {
        const entries = { EUR: [] as Entry[], USD: [] as Entry[] };
        for (const [net, tax, currency, kind] of docs) {
          entries[currency as 'EUR' | 'USD'].push(
            ...(kind === 0 ? invoicePosting(net, tax) : kind === 1 ? paymentPosting(net + 1) : creditNotePosting(net, tax)),
          );
        }
        const tb = trialBalance([...sumsOf('EUR', entries.EUR), ...sumsOf('USD', entries.USD)]);
        expect(tb.balanced).toBe(true);
        expect(tb.problems).toEqual([]);
        for (const c of tb.currencies) {
          expect(c.totalDebit).toBe(c.totalCredit);
          expect(c.accounts.every((a) => a.debit === 0 || a.credit === 0)).toBe(true);
          const own = entries[c.currency as 'EUR' | 'USD'];
          expect(c.accounts.reduce((t, a) => t + a.debit - a.credit, 0)).toBe(own.reduce((t, e) => t + e.debit - e.credit, 0));
        }
      }),
    );
  });

  it('lists accounts in chart order with their normal side', () => {
    const tb = trialBalance(sumsOf('EUR', [...invoicePosting(1000, 200), ...paymentPosting(500)]));
    expect(tb.currencies[0]!.accounts.map((a) => [a.number, a.debit, a.credit, a.balance])).toEqual([
      [1000, 500, 0, 500],
      [1200, 700, 0, 700],
      [2200, 0, 200, 200],
      [4000, 0, 1000, 1000],
    ]);
  });

  it('says so loudly when the columns differ, per currency, to the cent', () => {
    const tb = trialBalance([
      ...sumsOf('EUR', invoicePosting(1000, 200)),
      { currency: 'USD', account: accounts.cash, debits: 101, credits: 0 },
      { currency: 'USD', account: accounts.revenue, debits: 0, credits: 100 },
    ]);
    expect(tb.balanced).toBe(false);
    expect(tb.currencies.map((c) => [c.currency, c.balanced, c.difference])).toEqual([
      ['EUR', true, 0],
      ['USD', false, 1],
    ]);
    expect(tb.problems).toEqual(['USD: debits 101 and credits 100 differ by 1 minor units']);
  });

  it('flags an account outside the chart', () => {
    const tb = trialBalance([
      { currency: 'EUR', account: '9999-suspense', debits: 5, credits: 0 },
      { currency: 'EUR', account: accounts.cash, debits: 0, credits: 5 },
    ]);
    expect(tb.balanced).toBe(true);
    expect(tb.problems).toEqual(['account 9999-suspense (EUR) is not in the chart of accounts']);
    expect(tb.currencies[0]!.accounts.at(-1)).toMatchObject({ account: '9999-suspense', number: null, name: null });
  });
});
