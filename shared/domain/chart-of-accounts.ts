// The chart of accounts: the one table every posting's accounts come from (shared/domain/ledger.ts),
// the ledger reads name and order by, and docs/ledger.md shows (chart-of-accounts.test.ts holds the
// two to each other). A common small-firm chart: 1xxx assets, 2xxx liabilities, 3xxx equity,
// 4xxx income, 5xxx cost of sales, 6xxx operating expenses.
//
// `code` is what billing.ledger_entries.account stores ('<number>-<slug>', as stored since the first
// postings): an account is renamed here freely, its code never changes once something is booked to it.

export const accountTypes = ['asset', 'liability', 'equity', 'income', 'expense'] as const;
export type AccountType = (typeof accountTypes)[number];
export type NormalBalance = 'debit' | 'credit';

export interface Account {
  number: number;
  code: `${number}-${string}`;
  name: string;
  type: AccountType;
  /** The side that increases it: debit for assets and expenses, credit for the others, the reverse for a contra account. */
  normalBalance: NormalBalance;
}

export const chart = {
  cash: { number: 1000, code: '1000-cash', name: 'Cash', type: 'asset', normalBalance: 'debit' },
  bank: { number: 1010, code: '1010-bank', name: 'Bank account', type: 'asset', normalBalance: 'debit' },
  receivable: { number: 1200, code: '1200-accounts-receivable', name: 'Accounts receivable', type: 'asset', normalBalance: 'debit' },
  // A reminder's fee is owed beside the invoice, not in its balance (docs/ledger.md, "Reminder fees").
  reminderFeesReceivable: { number: 1210, code: '1210-reminder-fees-receivable', name: 'Reminder fees receivable', type: 'asset', normalBalance: 'debit' },
  inventory: { number: 1300, code: '1300-inventory', name: 'Inventory', type: 'asset', normalBalance: 'debit' },
  inputTax: { number: 1400, code: '1400-input-tax', name: 'Input VAT receivable', type: 'asset', normalBalance: 'debit' },
  payable: { number: 2000, code: '2000-accounts-payable', name: 'Accounts payable', type: 'liability', normalBalance: 'credit' },
  goodsReceivedNotInvoiced: {
    number: 2050,
    code: '2050-goods-received-not-invoiced',
    name: 'Goods received, not invoiced',
    type: 'liability',
    normalBalance: 'credit',
  },
  customerCredits: { number: 2100, code: '2100-customer-credits', name: 'Customer credits and refunds payable', type: 'liability', normalBalance: 'credit' },
  taxPayable: { number: 2200, code: '2200-tax-payable', name: 'Output VAT / sales tax payable', type: 'liability', normalBalance: 'credit' },
  payrollLiabilities: { number: 2300, code: '2300-payroll-liabilities', name: 'Payroll liabilities', type: 'liability', normalBalance: 'credit' },
  ownersEquity: { number: 3000, code: '3000-owners-equity', name: "Owner's equity", type: 'equity', normalBalance: 'credit' },
  retainedEarnings: { number: 3900, code: '3900-retained-earnings', name: 'Retained earnings', type: 'equity', normalBalance: 'credit' },
  revenue: { number: 4000, code: '4000-revenue', name: 'Sales revenue', type: 'income', normalBalance: 'credit' },
  salesReturns: { number: 4050, code: '4050-sales-returns', name: 'Sales returns and allowances', type: 'income', normalBalance: 'debit' },
  reminderFees: { number: 4100, code: '4100-reminder-fees', name: 'Reminder fees income', type: 'income', normalBalance: 'credit' },
  otherIncome: { number: 4900, code: '4900-other-income', name: 'Other income', type: 'income', normalBalance: 'credit' },
  costOfGoodsSold: { number: 5000, code: '5000-cost-of-goods-sold', name: 'Cost of goods sold', type: 'expense', normalBalance: 'debit' },
  inventoryWriteOffs: {
    number: 5100,
    code: '5100-inventory-write-offs',
    name: 'Inventory write-offs (scrap, shrinkage)',
    type: 'expense',
    normalBalance: 'debit',
  },
  salaries: { number: 6000, code: '6000-salaries', name: 'Salaries and wages', type: 'expense', normalBalance: 'debit' },
  bankCharges: { number: 6200, code: '6200-bank-charges', name: 'Bank charges', type: 'expense', normalBalance: 'debit' },
  badDebts: { number: 6800, code: '6800-bad-debts', name: 'Bad debts', type: 'expense', normalBalance: 'debit' },
} as const satisfies Record<string, Account>;

export type AccountKey = keyof typeof chart;
/** An account as a posting names it: only the chart's codes type-check. */
export type AccountCode = (typeof chart)[AccountKey]['code'];

/** The accounts in number order, as the trial balance and the docs list them. */
export const chartAccounts: readonly (Account & { code: AccountCode })[] = Object.values(chart).sort((a, b) => a.number - b.number);

const byCode = new Map<string, Account>(chartAccounts.map((a) => [a.code, a]));

/** The chart's account for a stored code; undefined for a code the chart does not hold (the reads flag it). */
export const accountOf = (code: string): Account | undefined => byCode.get(code);
