import { journalPage, receivables, trialBalance } from '../../../shared/query/answers/ledger.js';
import { read } from '../api.js';
import type { Changes } from '../live.js';
import { useLoad } from '../load.js';
import { usePaged } from '../paging.js';

// The books' reads, parsed with their answer schemas. Postings follow invoices, payments and credit
// notes: a batch touching one may have booked.

const booksChanged = (c: Changes) => c.invoices.length > 0;

export function useTrialBalance(asOf: string) {
  return useLoad(() => read(trialBalance, 'ledger/trial-balance', { asOf }), [asOf], booksChanged);
}

export function useReceivables(asOf: string) {
  return usePaged((limit, cursor) => read(receivables, 'ledger/receivables', { asOf, limit, cursor }), [asOf], booksChanged);
}

export function useJournal(from: string, to: string) {
  return usePaged((limit, cursor) => read(journalPage, 'ledger/journal', { from, to, limit, cursor }), [from, to], booksChanged);
}
