import { z } from 'zod';
import { count, currencyCode, day, instant, money, page } from './common.js';

// The accountant's reads of the ledger (shared/query/ledger.ts; docs/ledger.md).

export const journalLine = z.strictObject({
  account: z.string(),
  /** The chart's number and name; null: not in the chart. */
  number: count.nullable(),
  name: z.string().nullable(),
  debit: money,
  credit: money,
});
export const journalPosting = z.strictObject({
  postingId: z.string(),
  kind: z.string(),
  at: instant,
  currency: currencyCode,
  invoiceId: z.string().nullable(),
  invoiceNumber: z.string().nullable(),
  customerId: z.string().nullable(),
  customerName: z.string().nullable(),
  lines: z.array(journalLine),
  totalDebit: money,
  totalCredit: money,
});
export const journalPage = page(journalPosting);

const trialBalanceLine = z.strictObject({
  account: z.string(),
  number: count.nullable(),
  name: z.string().nullable(),
  type: z.string().nullable(),
  normalBalance: z.enum(['debit', 'credit']).nullable(),
  debit: money,
  credit: money,
  balance: money,
});
/** Per currency, never added together; `problems` says what is wrong in words (empty in a sound ledger). */
export const trialBalance = z.strictObject({
  asOf: day,
  balanced: z.boolean(),
  problems: z.array(z.string()),
  currencies: z.array(
    z.strictObject({
      currency: currencyCode,
      accounts: z.array(trialBalanceLine),
      totalDebit: money,
      totalCredit: money,
      difference: money,
      balanced: z.boolean(),
    }),
  ),
});

const receivableSums = { currency: currencyCode, balance: money, open: money, credit: money, invoices: count };
export const customerReceivable = z.strictObject({ customerId: z.string().nullable(), customerName: z.string().nullable(), ...receivableSums });
/** A page of customers' receivables as of the day, with the totals per currency of every customer. */
export const receivables = page(customerReceivable).extend({ asOf: day, totals: z.array(z.strictObject(receivableSums)) });
