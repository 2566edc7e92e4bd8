import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountTypes, chart, chartAccounts } from './chart-of-accounts.js';

// The chart is one table in code; docs/ledger.md shows it. Both ways: a row added, renamed or renumbered
// on one side only fails here.

const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'ledger.md'), 'utf8');

function documentedRows(): string[][] {
  const section = doc.split(/^## /m).find((s) => s.startsWith('Chart of accounts'));
  if (!section) throw new Error('docs/ledger.md has no "Chart of accounts" section');
  return section
    .split('\n')
    .filter((l) => /^\| \d/.test(l))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim().replace(/^`|`$/g, '')),
    );
}

// The first digit of the number says the type (the common small-firm layout the docs describe).
const typeOfDigit = { 1: 'asset', 2: 'liability', 3: 'equity', 4: 'income', 5: 'expense', 6: 'expense' } as Record<number, string>;
const contra = new Set<string>([chart.salesReturns.code]);

describe('the chart of accounts', () => {
  it('is the table docs/ledger.md shows, row for row', () => {
    expect(documentedRows()).toEqual(chartAccounts.map((a) => [String(a.number), a.code, a.name, a.type, a.normalBalance]));
  });

  it('numbers each account once, in its code, in the range of its type', () => {
    expect(new Set(chartAccounts.map((a) => a.number)).size).toBe(chartAccounts.length);
    for (const a of chartAccounts) {
      expect(a.code.startsWith(`${a.number}-`), a.code).toBe(true);
      expect(a.code).toMatch(/^\d{4}-[a-z]+(-[a-z]+)*$/);
      expect(typeOfDigit[Math.floor(a.number / 1000)], a.code).toBe(a.type);
      expect(accountTypes).toContain(a.type);
    }
  });

  it('gives each type its natural normal balance, contra accounts the other', () => {
    for (const a of chartAccounts) {
      const natural = a.type === 'asset' || a.type === 'expense' ? 'debit' : 'credit';
      expect(a.normalBalance, a.code).toBe(contra.has(a.code) ? (natural === 'debit' ? 'credit' : 'debit') : natural);
    }
  });

  it('keeps the codes already stored in ledgers valid', () => {
    expect([chart.cash.code, chart.receivable.code, chart.taxPayable.code, chart.revenue.code]).toEqual([
      '1000-cash',
      '1200-accounts-receivable',
      '2200-tax-payable',
      '4000-revenue',
    ]);
  });
});
