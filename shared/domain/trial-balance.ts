import { accountOf, type NormalBalance } from './chart-of-accounts.js';

// The trial balance from the ledger's sums per currency and account (pure; shared/query/ledger.ts reads
// the sums). Currencies are never added together: each has its own columns and its own check that the
// debit column equals the credit column to the cent. An imbalance or an account outside the chart is
// a broken ledger, said in `problems` and `balanced: false` rather than hidden in a total.

export interface AccountSums {
  currency: string;
  account: string;
  debits: number;
  credits: number;
}

export interface TrialBalanceLine {
  account: string;
  number: number | null;
  name: string | null;
  type: string | null;
  normalBalance: NormalBalance | null;
  /** The account's balance in the debit column (0 when it is a credit balance). */
  debit: number;
  /** The account's balance in the credit column (0 when it is a debit balance). */
  credit: number;
  /** The balance on the account's normal side: positive as it should normally be, negative when reversed. */
  balance: number;
}

export interface CurrencyTrialBalance {
  currency: string;
  accounts: TrialBalanceLine[];
  totalDebit: number;
  totalCredit: number;
  /** totalDebit - totalCredit: 0 in a sound ledger. */
  difference: number;
  balanced: boolean;
}

export interface TrialBalance {
  /** Every currency's debit column equals its credit column. */
  balanced: boolean;
  /** What is wrong, in words (an imbalance, an account outside the chart); empty in a sound ledger. */
  problems: string[];
  currencies: CurrencyTrialBalance[];
}

const sortNumber = (l: TrialBalanceLine) => l.number ?? Number.MAX_SAFE_INTEGER;

export function trialBalance(sums: readonly AccountSums[]): TrialBalance {
  const problems: string[] = [];
  const byCurrency = new Map<string, TrialBalanceLine[]>();
  for (const s of sums) {
    const chartAccount = accountOf(s.account);
    if (!chartAccount) problems.push(`account ${s.account} (${s.currency}) is not in the chart of accounts`);
    const net = s.debits - s.credits;
    const normal = chartAccount?.normalBalance ?? null;
    const line: TrialBalanceLine = {
      account: s.account,
      number: chartAccount?.number ?? null,
      name: chartAccount?.name ?? null,
      type: chartAccount?.type ?? null,
      normalBalance: normal,
      debit: Math.max(net, 0),
      credit: Math.max(-net, 0),
      balance: normal === 'credit' ? -net : net,
    };
    byCurrency.set(s.currency, [...(byCurrency.get(s.currency) ?? []), line]);
  }
  const currencies = [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, lines]): CurrencyTrialBalance => {
      const accounts = lines.sort((a, b) => sortNumber(a) - sortNumber(b) || a.account.localeCompare(b.account));
      const totalDebit = accounts.reduce((t, l) => t + l.debit, 0);
      const totalCredit = accounts.reduce((t, l) => t + l.credit, 0);
      const difference = totalDebit - totalCredit;
      if (difference !== 0) problems.push(`${currency}: debits ${totalDebit} and credits ${totalCredit} differ by ${difference} minor units`);
      return { currency, accounts, totalDebit, totalCredit, difference, balanced: difference === 0 };
    });
  return { balanced: currencies.every((c) => c.balanced), problems, currencies };
}
