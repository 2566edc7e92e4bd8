import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayUtc } from '../../olap/aging.js';
import { backfillInvoiceIds } from '../../shared/db/migrations/012-ledger.js';
import { accountOf, chart } from '../../shared/domain/chart-of-accounts.js';
import { amountText } from '../../shared/domain/money.js';
import { createHarness, type Harness } from '../support/harness.js';
import { seed } from '../support/fixtures.js';
import { caughtUp, feedProjector } from '../support/olap.js';
import { ledgerReads, type Receivable } from './ledger-reads.js';

// The accountant's ledger reads (docs/ledger.md) against real Postgres, JetStream and DuckDB, after a
// flow in two currencies: invoices, partial and full payments, a cancel of a partly paid invoice (its
// credit note leaves money owed back) and of an unpaid one. Part of the books is dated back three days,
// so the period and as-of bounds have something to cut.

const dir = mkdtempSync(join(tmpdir(), 'erpbi-ledger-it-'));
process.env.OLAP_FILE = join(dir, 'erpbi.duckdb');
let h: Harness;
let feed: Awaited<ReturnType<typeof feedProjector>>;
const { read, wholeJournal, csv, q } = ledgerReads(() => h);

const dayMs = 86_400_000;
const day = (offset: number) => todayUtc(new Date(Date.now() + offset * dayMs));
const today = day(0);
const threeDaysAgo = day(-3);

let backdated: string[] = []; // posting ids moved three days back

async function order(customerId: string, sku: string, quantity: number) {
  const res = await h.post('create-order', { customerId, lines: [{ sku, quantity }] }, { role: 'clerk' });
  if (res.status !== 201) throw new Error(`create-order: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}
async function invoiceOf(orderId: string) {
  const res = await h.get('query', `/invoices?orderId=${orderId}`, { role: 'accountant' });
  return res.body.items[0] as { id: string; total: number };
}
async function pay(invoiceId: string, amount: number) {
  const res = await h.post('record-payment', { invoiceId, amount, method: 'bank_transfer' }, { role: 'accountant' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

beforeAll(async () => {
  h = await createHarness('ledger');
  feed = await feedProjector(h);
  const eur = await seed(h, { stock: 50, unitPrice: 1999, taxRateBp: 2000, terms: 14 });
  const usd = `${eur.sku}-US`;
  expect((await h.post('upsert-product', { sku: usd, name: 'Export mug', unitPrice: 1234, currency: 'USD', taxRateBp: 700 }, { role: 'admin' })).status).toBe(
    200,
  );
  expect((await h.post('receive-stock', { sku: usd, quantity: 50 }, { role: 'clerk' })).status).toBe(200);
  const other = (await h.post('upsert-customer', { name: 'Zeta GmbH', paymentTermsDays: 0 }, { role: 'clerk' })).body.id as string;

  const a1 = await order(eur.customerId, eur.sku, 3); // partly paid, then cancelled: money owed back
  const a2 = await order(eur.customerId, eur.sku, 1); // partly paid, stays open
  const a3 = await order(eur.customerId, usd, 2); // the same customer in USD, unpaid
  const z1 = await order(other, usd, 5); // paid in full, dated back
  const z2 = await order(other, usd, 1); // cancelled unpaid
  const z3 = await order(other, eur.sku, 2); // paid in two steps, still partly open
  await h.settle();
  const [i1, i2, , i4, , i6] = await Promise.all([a1, a2, a3, z1, z2, z3].map(invoiceOf));
  await pay(i1!.id, 500);
  await pay(i2!.id, 1);
  await pay(i4!.id, i4!.total);
  await pay(i6!.id, 1000);
  await pay(i6!.id, 999);
  await h.settle();
  for (const id of [a1, z2]) expect((await h.post('cancel-order', { id }, { role: 'clerk' })).status).toBe(200);
  await h.settle();

  // z1's invoice and payment were booked three days ago (as a box restored from last week's books would hold them).
  const { rows } = await h.db.pool.query<{ posting_id: string }>(
    `update billing.ledger_entries set at = at - interval '3 days' where invoice_id = $1 returning posting_id`,
    [i4!.id],
  );
  backdated = [...new Set(rows.map((r) => r.posting_id))];
  expect(backdated).toHaveLength(2);
  // On the edges of that day: the invoice at its first microsecond, the payment at its last (both inclusive).
  const edge = (kind: string, at: string) =>
    h.db.pool.query(`update billing.ledger_entries set at = $2 where invoice_id = $1 and posting_id like $3`, [i4!.id, at, `${kind}:%`]);
  await edge('invoice', `${threeDaysAgo}T00:00:00.000000Z`);
  await edge('payment', `${threeDaysAgo}T23:59:59.999999Z`);
}, 60_000);

afterAll(async () => {
  await feed?.stop();
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the journal', () => {
  it('lists every posting of the period once and none outside it, with its lines as booked', async () => {
    const documents = await q<{ n: number }>(
      `select ((select count(*) from billing.invoices) + (select count(*) from billing.payments) + (select count(*) from billing.credit_notes))::int as n`,
    );
    const everything = await wholeJournal('');
    expect(everything).toHaveLength(documents[0]!.n);
    expect(new Set(everything.map((p) => p.postingId)).size).toBe(everything.length);
    expect(new Set(everything.map((p) => p.kind))).toEqual(new Set(['invoice', 'payment', 'credit-note']));
    expect(new Set(everything.map((p) => p.currency))).toEqual(new Set(['EUR', 'USD']));
    // Oldest first, each balanced, every line on an account of the chart and named by it.
    expect(everything.map((p) => p.at)).toEqual(everything.map((p) => p.at).sort());
    for (const p of everything) {
      expect(p.totalDebit, p.postingId).toBe(p.totalCredit);
      expect(p.customerId, p.postingId).toBeTruthy();
      for (const l of p.lines) expect([l.number, l.name]).toEqual([accountOf(l.account)!.number, accountOf(l.account)!.name]);
    }
    const stored = await q<{ n: number }>('select count(*)::int as n from billing.ledger_entries');
    expect(everything.flatMap((p) => p.lines)).toHaveLength(stored[0]!.n);

    const back = await wholeJournal(`from=${threeDaysAgo}&to=${threeDaysAgo}`);
    expect(back.map((p) => p.postingId).sort()).toEqual([...backdated].sort());
    expect(back.every((p) => p.at.startsWith(threeDaysAgo))).toBe(true);
    expect(await wholeJournal(`from=${day(-2)}&to=${day(-1)}`)).toEqual([]);
    expect(await wholeJournal(`to=${day(-4)}`)).toEqual([]);
    expect(back.map((p) => p.at)).toEqual([`${threeDaysAgo}T00:00:00.000000Z`, `${threeDaysAgo}T23:59:59.999999Z`]);
    const recent = await wholeJournal(`from=${day(-2)}&to=${today}`);
    expect(recent.map((p) => p.postingId).sort()).toEqual(
      everything
        .map((p) => p.postingId)
        .filter((id) => !backdated.includes(id))
        .sort(),
    );
    expect(await wholeJournal(`from=${threeDaysAgo}`)).toEqual(everything);
    expect((await wholeJournal(`to=${threeDaysAgo}`)).map((p) => p.postingId).sort()).toEqual([...backdated].sort());
    expect(await wholeJournal('', 200)).toEqual(everything);
  });

  it('exports one CSV row per line, every page', async () => {
    const everything = await wholeJournal('');
    const rows = await csv('/ledger/journal?limit=1');
    expect(rows).toHaveLength(everything.flatMap((p) => p.lines).length);
    expect(Object.keys(rows[0]!)).toEqual([
      'postingId',
      'kind',
      'at',
      'currency',
      'invoiceId',
      'invoiceNumber',
      'customerId',
      'customerName',
      'account',
      'number',
      'name',
      'debit',
      'debit_formatted',
      'credit',
      'credit_formatted',
    ]);
    const expected = everything.flatMap((p) => p.lines.map((l) => [p.postingId, l.account, String(l.debit), amountText(l.credit, p.currency)]));
    expect(rows.map((r) => [r.postingId, r.account, r.debit, r.credit_formatted])).toEqual(expected);
    expect(await csv(`/ledger/journal?from=${day(-2)}&to=${day(-1)}`)).toEqual([]);
  });
});

describe('the trial balance', () => {
  it('balances to the cent per currency, never adding EUR to USD, and matches the documents', async () => {
    const tb = await read(`/ledger/trial-balance?asOf=${today}`);
    expect(tb).toMatchObject({ asOf: today, balanced: true, problems: [] });
    expect(tb.currencies.map((c: { currency: string }) => c.currency)).toEqual(['EUR', 'USD']);
    for (const c of tb.currencies as {
      currency: string;
      totalDebit: number;
      totalCredit: number;
      difference: number;
      balanced: boolean;
      accounts: { account: string; debit: number; credit: number; balance: number }[];
    }[]) {
      expect(c.totalDebit).toBe(c.totalCredit);
      expect(c.difference).toBe(0);
      expect(c.balanced).toBe(true);
      const [truth] = await q<{ receivable: number; cash: number; revenue: number; tax: number }>(
        `select coalesce(sum(balance), 0)::bigint as receivable,
                (select coalesce(sum(amount), 0) from billing.payments p join billing.invoices j on j.id = p.invoice_id where j.currency = $1)::bigint as cash,
                coalesce(sum(subtotal) filter (where status <> 'credited'), 0)::bigint as revenue,
                coalesce(sum(tax) filter (where status <> 'credited'), 0)::bigint as tax
         from billing.invoice_view where currency = $1`,
        [c.currency],
      );
      const balance = (code: string) => c.accounts.find((a) => a.account === code)?.balance ?? 0;
      expect(balance(chart.receivable.code)).toBe(truth!.receivable);
      expect(balance(chart.cash.code)).toBe(truth!.cash);
      expect(balance(chart.revenue.code)).toBe(truth!.revenue);
      expect(balance(chart.taxPayable.code)).toBe(truth!.tax);
      expect(truth!.revenue).toBeGreaterThan(0);
    }
  });

  it('as of a day counts what was booked up to its end, and no later', async () => {
    const before = await read(`/ledger/trial-balance?asOf=${day(-4)}`);
    expect(before).toMatchObject({ balanced: true, currencies: [] });
    const back = await read(`/ledger/trial-balance?asOf=${threeDaysAgo}`);
    const [z1] = await q<{ total: number }>(
      `select total from billing.invoices where id = (select invoice_id from billing.ledger_entries where posting_id = $1 limit 1)`,
      [backdated[0]],
    );
    expect(back.currencies).toHaveLength(1);
    expect(back.currencies[0]).toMatchObject({ currency: 'USD', balanced: true, totalDebit: z1!.total, totalCredit: z1!.total });
    // Paid in full: receivable back to 0, the cash in, revenue and tax credited.
    expect(back.currencies[0].accounts.find((a: { account: string }) => a.account === chart.receivable.code)).toMatchObject({
      debit: 0,
      credit: 0,
      balance: 0,
    });
  });

  it('exports its lines and a total row per currency', async () => {
    const tb = await read(`/ledger/trial-balance?asOf=${today}`);
    const rows = await csv(`/ledger/trial-balance?asOf=${today}`);
    const expected = (tb.currencies as { currency: string; totalDebit: number; totalCredit: number; accounts: { account: string; debit: number }[] }[]).flatMap(
      (c) => [...c.accounts.map((a) => [c.currency, a.account, String(a.debit)]), [c.currency, '', String(c.totalDebit)]],
    );
    expect(rows.map((r) => [r.currency, r.account, r.debit])).toEqual(expected);
    expect(rows.filter((r) => r.account === '').map((r) => [r.name, r.balance])).toEqual([
      ['Total', '0'],
      ['Total', '0'],
    ]);
  });
});

describe('accounts receivable per customer', () => {
  it("equals the invoices' open balances per customer and currency, and reconciles with the projector's ar_aging", async () => {
    const truth = await q<Receivable>(
      `select i.customer_id as "customerId", c.name as "customerName", i.currency, sum(i.balance)::bigint as balance,
              coalesce(sum(i.balance) filter (where i.balance > 0), 0)::bigint as open, coalesce(sum(i.balance) filter (where i.balance < 0), 0)::bigint as credit,
              (count(*) filter (where i.balance > 0))::int as invoices
       from billing.invoice_view i join orders.customer_directory c on c.id = i.customer_id
       group by i.customer_id, c.name, i.currency having bool_or(i.balance <> 0) order by c.name, i.customer_id, i.currency`,
    );
    const all: Receivable[] = [];
    let cursor: string | null = null;
    do {
      const body = await read(`/ledger/receivables?asOf=${today}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      all.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    expect(all).toEqual(truth);
    expect(all.some((r) => r.credit < 0)).toBe(true); // a partly paid invoice was cancelled: owed back
    expect(new Set(all.map((r) => r.customerId)).size).toBe(2);
    expect(new Set(all.map((r) => r.currency))).toEqual(new Set(['EUR', 'USD']));

    await caughtUp(h);
    const aging = (await h.get('project-to-olap', `/query/ar_aging?asOf=${today}`, { role: 'accountant' })).body.rows as {
      currency: string;
      invoices: number;
      balance: number;
    }[];
    const agingTotals = new Map<string, { open: number; invoices: number }>();
    for (const r of aging) {
      const t = agingTotals.get(r.currency) ?? { open: 0, invoices: 0 };
      agingTotals.set(r.currency, { open: t.open + r.balance, invoices: t.invoices + r.invoices });
    }
    const { totals } = await read(`/ledger/receivables?asOf=${today}`);
    expect(new Map((totals as Receivable[]).filter((t) => t.open > 0).map((t) => [t.currency, { open: t.open, invoices: t.invoices }]))).toEqual(agingTotals);
    for (const t of totals as Receivable[]) {
      const mine = all.filter((r) => r.currency === t.currency);
      expect(t.balance).toBe(mine.reduce((s, r) => s + r.balance, 0));
      expect(t.open + t.credit).toBe(t.balance);
    }
    // And with the trial balance's receivable account, per currency.
    const tb = await read(`/ledger/trial-balance?asOf=${today}`);
    for (const c of tb.currencies as { currency: string; accounts: { account: string; balance: number }[] }[]) {
      expect(c.accounts.find((a) => a.account === chart.receivable.code)!.balance).toBe(
        (totals as Receivable[]).find((t) => t.currency === c.currency)!.balance,
      );
    }
  });

  it('as of an earlier day holds only what was owed then', async () => {
    const body = await read(`/ledger/receivables?asOf=${threeDaysAgo}`);
    expect(body.items).toEqual([]); // the one invoice booked then was paid the same day
    expect(body.totals).toEqual([{ currency: 'USD', balance: 0, open: 0, credit: 0, invoices: 0 }]);
    expect((await read(`/ledger/receivables?asOf=${day(-4)}`)).totals).toEqual([]);
  });

  it('exports every customer as CSV', async () => {
    const json = (await read(`/ledger/receivables?asOf=${today}`)).items as Receivable[];
    const rows = await csv(`/ledger/receivables?asOf=${today}&limit=1`);
    expect(Object.keys(rows[0]!)).toEqual([
      'customerId',
      'customerName',
      'currency',
      'balance',
      'balance_formatted',
      'open',
      'open_formatted',
      'credit',
      'credit_formatted',
      'invoices',
    ]);
    expect(rows.map((r) => [r.customerId, r.currency, Number(r.balance), r.credit_formatted])).toEqual(
      json.map((r) => [r.customerId, r.currency, r.balance, amountText(r.credit, r.currency)]),
    );
  });
});

describe('migration 012-ledger', () => {
  it('gives the lines booked before it the invoice post() now writes', async () => {
    const written = await q('select id, invoice_id from billing.ledger_entries order by id');
    expect(written.every((r) => r.invoice_id)).toBe(true);
    await h.db.pool.query('update billing.ledger_entries set invoice_id = null');
    await h.db.pool.query(backfillInvoiceIds);
    expect(await q('select id, invoice_id from billing.ledger_entries order by id')).toEqual(written);
  });
});

describe('who may read the books', () => {
  it('accountant and admin only; bad parameters are 400', async () => {
    const paths = ['/ledger/journal', `/ledger/trial-balance?asOf=${today}`, '/ledger/receivables'];
    for (const path of paths) {
      for (const role of ['clerk', 'bi-reader', 'bi-payroll', 'service'] as const) {
        const res = await h.get('query', path, { role });
        expect(res.status, `${role} ${path}`).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
        expect((await h.get('query', path, { role, headers: { accept: 'text/csv' } })).status, `${role} ${path} as CSV`).toBe(403);
      }
      expect((await h.get('query', path, { token: null })).status).toBe(401);
      for (const role of ['accountant', 'admin'] as const) expect((await h.get('query', path, { role })).status).toBe(200);
    }
    for (const path of [
      `/ledger/journal?from=${today}&to=${day(-1)}`,
      '/ledger/journal?from=2026-13-01',
      '/ledger/journal?cursor=bm9wZQ',
      '/ledger/journal?account=1000-cash',
      "/ledger/trial-balance?asOf=2026-02-30';drop",
      '/ledger/trial-balance?asOf=0000-01-01',
      '/ledger/receivables?limit=0',
    ]) {
      const res = await h.get('query', path, { role: 'accountant' });
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });
});

describe('a broken ledger', () => {
  it('says so loudly: balanced false, the currency and the difference named, the CSV total row too', async () => {
    // A line written behind post()'s back (a bad import, a hand edit): one EUR cent with no other side.
    await h.db.pool.query(`insert into billing.ledger_entries (posting_id, account, debit, credit, currency) values ('manual:broken', $1, 1, 0, 'EUR')`, [
      chart.cash.code,
    ]);
    await h.db.pool.query(
      `insert into billing.ledger_entries (posting_id, account, debit, credit, currency) values ('manual:stray', '9999-suspense', 0, 0, 'USD')`,
    );
    const tb = await read(`/ledger/trial-balance?asOf=${today}`);
    expect(tb.balanced).toBe(false);
    expect(tb.problems).toEqual([
      'account 9999-suspense (USD) is not in the chart of accounts',
      expect.stringMatching(/^EUR: debits \d+ and credits \d+ differ by 1 minor units$/),
    ]);
    expect(tb.currencies.map((c: { currency: string; balanced: boolean; difference: number }) => [c.currency, c.balanced, c.difference])).toEqual([
      ['EUR', false, 1],
      ['USD', true, 0],
    ]);
    const totals = (await csv(`/ledger/trial-balance?asOf=${today}`)).filter((r) => r.account === '');
    expect(totals.map((r) => [r.currency, r.name, r.balance])).toEqual([
      ['EUR', 'Total: NOT BALANCED', '1'],
      ['USD', 'Total', '0'],
    ]);
  });
});
