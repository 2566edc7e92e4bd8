import { csvMoney, csvNumber, csvText, type CsvColumn, type CsvExport, type CsvRow } from '../http/csv.js';
import { allPages } from './all-pages.js';
import { journal, receivablesAsOf, trialBalanceAsOf, type AsOfQuery, type JournalCsvRow, type JournalQuery, type ReceivablesQuery } from './ledger.js';

// The ledger reads as CSV (`Accept: text/csv`, shared/http/csv.ts), for the accountant's spreadsheet:
// the journal one row per line (its posting's fields repeated, so the file filters and sums by account),
// the trial balance one row per currency and account and a total row per currency, AR one row per
// customer and currency. tests/integration/ledger.test.ts parses them against the JSON answers.

const journalColumns: readonly CsvColumn[] = [
  ...['postingId', 'kind', 'at', 'currency', 'invoiceId', 'invoiceNumber', 'customerId', 'customerName', 'account'].map(csvText),
  csvNumber('number'),
  csvText('name'),
  ...csvMoney('debit'),
  ...csvMoney('credit'),
];

async function* journalLines(rows: AsyncIterable<Awaited<ReturnType<typeof journal>>['items'][number]>): AsyncGenerator<JournalCsvRow> {
  for await (const { lines, ...posting } of rows) for (const line of lines) yield { ...posting, ...line };
}

export const journalCsv: CsvExport<JournalQuery> = {
  name: 'journal',
  columns: () => journalColumns,
  rows: (db, q) => journalLines(allPages((p) => journal(db, p), q)),
};

const trialBalanceColumns: readonly CsvColumn[] = [
  ...['currency', 'account'].map(csvText),
  csvNumber('number'),
  ...['name', 'type', 'normalBalance'].map(csvText),
  ...csvMoney('debit'),
  ...csvMoney('credit'),
  ...csvMoney('balance'),
];

/** Each currency's accounts, then its total row: "Total", or "Total: NOT BALANCED" with the difference as its balance. */
async function* trialBalanceRows(tb: ReturnType<typeof trialBalanceAsOf>): AsyncGenerator<CsvRow> {
  for (const c of (await tb).currencies) {
    yield* c.accounts.map((a) => ({ ...a, currency: c.currency, name: a.name ?? 'NOT IN THE CHART OF ACCOUNTS' }));
    yield {
      currency: c.currency,
      account: null,
      number: null,
      name: c.balanced ? 'Total' : 'Total: NOT BALANCED',
      debit: c.totalDebit,
      credit: c.totalCredit,
      balance: c.difference,
    };
  }
}

export const trialBalanceCsv: CsvExport<AsOfQuery> = {
  name: 'trial_balance',
  columns: () => trialBalanceColumns,
  rows: (db, q) => trialBalanceRows(trialBalanceAsOf(db, q)),
};

const receivableColumns: readonly CsvColumn[] = [
  ...['customerId', 'customerName', 'currency'].map(csvText),
  ...['balance', 'open', 'credit'].flatMap((k) => csvMoney(k)),
  csvNumber('invoices'),
];

export const receivablesCsv: CsvExport<ReceivablesQuery> = {
  name: 'receivables',
  columns: () => receivableColumns,
  rows: (db, q) => allPages((p) => receivablesAsOf(db, p), q),
};
