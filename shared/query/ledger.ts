import type { Pool } from '../db/pool.js';
import { accountOf } from '../domain/chart-of-accounts.js';
import { accounts } from '../domain/ledger.js';
import { trialBalance, type AccountSums } from '../domain/trial-balance.js';
import { decodeCursor, filters, isoUtc, keyPage, pageOf, type PageQuery, type SortKey } from './paging.js';

// The accountant's reads of the ledger (billing.ledger_view, migration 012-ledger; docs/ledger.md):
// the journal of a period, the trial balance and accounts receivable per customer as of a day.
// Days are UTC; `from`, `to` and `asOf` are inclusive (to the end of that UTC day).

const dayStart = (p: string) => `${p}::date::timestamp at time zone 'UTC'`;
const dayEnd = (p: string) => `(${p}::date + 1)::timestamp at time zone 'UTC'`;
const todayUtc = () => new Date().toISOString().slice(0, 10);

// ---- Journal -----------------------------------------------------------------------------------

export interface JournalQuery extends PageQuery {
  from?: string | undefined;
  to?: string | undefined;
}

interface StoredLine {
  account: string;
  debit: number;
  credit: number;
}

interface StoredPosting {
  postingId: string;
  kind: string;
  at: string;
  currency: string;
  invoiceId: string | null;
  invoiceNumber: string | null;
  customerId: string | null;
  customerName: string | null;
  lines: StoredLine[];
}

/** A posting as the journal shows it: its lines with the chart's number and name (null: not in the chart). */
export type JournalPosting = Omit<StoredPosting, 'lines'> & {
  lines: (StoredLine & { number: number | null; name: string | null })[];
  totalDebit: number;
  totalCredit: number;
};

function withChart(p: StoredPosting): JournalPosting {
  const lines = p.lines.map((l) => ({
    account: l.account,
    number: accountOf(l.account)?.number ?? null,
    name: accountOf(l.account)?.name ?? null,
    debit: l.debit,
    credit: l.credit,
  }));
  return { ...p, lines, totalDebit: lines.reduce((t, l) => t + l.debit, 0), totalCredit: lines.reduce((t, l) => t + l.credit, 0) };
}

/** Postings booked in the period, oldest first, each with its lines in the order written; keyset on (at, posting id). */
export async function journal(db: Pool, q: JournalQuery): Promise<{ items: JournalPosting[]; nextCursor: string | null }> {
  const f = filters();
  f.add((p) => `l.at >= ${dayStart(p)}`, q.from);
  f.add((p) => `l.at < ${dayEnd(p)}`, q.to);
  const after = decodeCursor(q.cursor);
  if (after) f.add((p) => `(l.at, l.posting_id) > (${p}::timestamptz, ${f.param(after.id)})`, after.at);
  const { rows } = await db.query<StoredPosting>(
    `select l.posting_id as "postingId", l.kind, ${isoUtc('l.at')} as at, l.currency, l.invoice_id as "invoiceId", l.invoice_number as "invoiceNumber",
            l.customer_id as "customerId", c.name as "customerName",
            json_agg(json_build_object('account', l.account, 'debit', l.debit, 'credit', l.credit) order by l.id) as lines
     from billing.ledger_view l left join orders.customer_directory c on c.id = l.customer_id
     ${f.where()}
     group by l.posting_id, l.kind, l.at, l.currency, l.invoice_id, l.invoice_number, l.customer_id, c.name
     order by l.at, l.posting_id limit ${f.param(q.limit + 1)}`,
    f.params,
  );
  const { items, nextCursor } = pageOf(rows, q.limit, (last) => [last.at, last.postingId]);
  return { items: items.map(withChart), nextCursor };
}

/** The journal as CSV rows: one per line, with its posting's fields. */
export type JournalCsvRow = Omit<JournalPosting, 'lines'> & JournalPosting['lines'][number];

// ---- Trial balance -----------------------------------------------------------------------------

export interface AsOfQuery {
  asOf?: string | undefined;
}

export async function trialBalanceAsOf(db: Pool, q: AsOfQuery) {
  const asOf = q.asOf ?? todayUtc();
  const { rows } = await db.query<AccountSums>(
    `select currency, account, sum(debit)::bigint as debits, sum(credit)::bigint as credits
     from billing.ledger_view where at < ${dayEnd('$1')} group by currency, account`,
    [asOf],
  );
  return { asOf, ...trialBalance(rows) };
}

// ---- Accounts receivable per customer ----------------------------------------------------------

export interface ReceivablesQuery extends AsOfQuery, PageQuery {}

export interface CustomerReceivable {
  customerId: string | null;
  customerName: string | null;
  currency: string;
  /** What the customer owes, net: open + credit. */
  balance: number;
  /** The invoices with money still owed, summed (what AR aging ages). */
  open: number;
  /** The invoices owing money back to the customer (paid, then credited), summed: 0 or less. */
  credit: number;
  /** How many invoices have money still owed. */
  invoices: number;
}

// By customer name, then id, then currency; a line with no invoice (none are written so) would sort first, unnamed.
const byCustomer: SortKey<CustomerReceivable> = {
  columns: ['customer_name', 'customer_key', 'currency'],
  of: (r) => [r.customerName ?? '', r.customerId ?? '', r.currency],
};

/** The receivable account's balance per invoice as of the day, with the invoice's customer. */
const perInvoice = (f: ReturnType<typeof filters>, asOf: string) =>
  `(select l.customer_id, l.currency, l.invoice_id, sum(l.debit - l.credit)::bigint as balance
    from billing.ledger_view l where l.account = ${f.param(accounts.receivable)} and l.at < ${dayEnd(f.param(asOf))}
    group by l.customer_id, l.currency, l.invoice_id)`;

const sums = `sum(balance)::bigint as balance, coalesce(sum(balance) filter (where balance > 0), 0)::bigint as open,
  coalesce(sum(balance) filter (where balance < 0), 0)::bigint as credit, (count(*) filter (where balance > 0))::int as invoices`;

export async function receivablesAsOf(db: Pool, q: ReceivablesQuery) {
  const asOf = q.asOf ?? todayUtc();
  const f = filters();
  // Customers with an invoice whose receivable is not settled (owed, or owed back) as of the day.
  const view = `(select coalesce(c.name, '') as customer_name, coalesce(i.customer_id, '') as customer_key, i.customer_id, c.name, i.currency, ${sums}
     from ${perInvoice(f, asOf)} i left join orders.customer_directory c on c.id = i.customer_id
     group by i.customer_id, c.name, i.currency having bool_or(balance <> 0)) r`;
  const columns = `customer_id as "customerId", name as "customerName", currency, balance, open, credit, invoices`;
  const page = await keyPage<CustomerReceivable & Record<string, unknown>>(db, { view, columns, key: byCustomer }, f, q);
  const t = filters();
  const { rows: totals } = await db.query<Omit<CustomerReceivable, 'customerId' | 'customerName'>>(
    `select currency, ${sums} from ${perInvoice(t, asOf)} i group by currency order by currency`,
    t.params,
  );
  return { asOf, ...page, totals };
}
