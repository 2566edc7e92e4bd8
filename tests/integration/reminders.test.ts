import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { companyProfile } from '../../shared/documents/company.js';
import type { Role } from '../../shared/auth/roles.js';
import { chart } from '../../shared/domain/chart-of-accounts.js';
import type { Harness } from '../support/harness.js';
import type { TestStorage } from '../support/object-storage.js';
import type { SmtpSink } from '../support/smtp-sink.js';
import { startDocumentServices, type DocumentServices } from '../support/document-services.js';
import { outboxEvents } from '../support/outbox.js';
import { waitFor } from '../support/wait.js';

// Reminders (dunning) end to end: real Postgres, NATS, object storage and an SMTP sink. The test drives
// the run's day with `asOf` and plays the connector for render-document (as tests/integration/email.test.ts).
const company = { name: 'Mahnwesen GmbH', address: ['Hauptstraße 5', '10115 Berlin'], email: 'billing@mahnwesen.example' };
const policy = [
  { level: 1, daysPastDue: 7, fee: 0 },
  { level: 2, daysPastDue: 21, fee: 500, feeByCurrency: { USD: 600 } },
  { level: 3, daysPastDue: 35, fee: 1000 },
];
const setProfile = (emailOnIssue: boolean) =>
  (process.env.COMPANY_PROFILE = JSON.stringify(companyProfile.parse({ ...company, emailOnIssue, reminders: policy })));

let services: DocumentServices;
let h: Harness;
let storage: TestStorage;
let smtp: SmtpSink;

beforeAll(async () => {
  setProfile(false);
  ({ h, storage, smtp } = services = await startDocumentServices('reminders', { EMAIL_FROM: `${company.name} <${company.email}>` }));
});
afterAll(() => services?.close());
beforeEach(() => setProfile(false));

interface Reminder {
  id: string;
  number: string;
  level: number;
  issueDate: string;
  daysPastDue: number;
  balance: number;
  fee: number;
}
const q = async <T>(sql: string, params: unknown[] = []) => (await h.db.pool.query(sql, params)).rows as T[];
const outbox = (type: string) => outboxEvents(h.db.pool, type);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const run = (asOf: string | undefined, role: Role = 'service') => h.call('create-invoice', '/reminders', { role, body: asOf === undefined ? {} : { asOf } });
const remindersOf = async (invoiceId: string) => (await h.get('query', `/invoices/${invoiceId}`, { role: 'clerk' })).body.reminders as Reminder[];

let n = 0;
/** An issued invoice of 2 x 12.50 + 19 % (29.75) for a customer of its own, due in 14 days. */
async function invoice(currency = 'EUR', email: string | null = null) {
  const i = ++n;
  const sku = `DUN-${i}`;
  expect((await h.post('upsert-product', { sku, name: `Beans ${i}`, unitPrice: 1250, currency, taxRateBp: 1900 }, { role: 'admin' })).status).toBe(200);
  expect((await h.post('receive-stock', { sku, quantity: 10 }, { role: 'clerk' })).status).toBe(200);
  const buyer = await h.post('upsert-customer', { name: `Late Payer ${i}`, ...(email ? { email } : {}), paymentTermsDays: 14 }, { role: 'clerk' });
  const order = await h.post('create-order', { customerId: buyer.body.id, lines: [{ sku, quantity: 2 }] }, { role: 'clerk' });
  expect(order.status).toBe(201);
  await h.settle();
  const inv = (await h.get('query', `/invoices?orderId=${order.body.id}`, { role: 'accountant' })).body.items[0];
  expect(inv.total).toBe(2975);
  return inv as { id: string; number: string; orderId: string; dueDate: string; balance: number; currency: string };
}

describe('the reminder run', () => {
  it('issues each level on the day the policy says, one at a time, numbered without gaps, with its fee', async () => {
    const inv = await invoice();
    const due = inv.dueDate;
    const levels = async () => (await remindersOf(inv.id)).map((r) => [r.level, r.issueDate, r.daysPastDue, r.fee]);
    expect((await run(addDays(due, 6))).status).toBe(200);
    expect(await levels()).toEqual([]);
    const first = await run(addDays(due, 7));
    expect(first.body).toMatchObject({ asOf: addDays(due, 7), failed: 0 });
    expect(first.body.issued).toEqual([expect.objectContaining({ invoiceId: inv.id, invoiceNumber: inv.number, level: 1, fee: 0, currency: 'EUR' })]);
    expect(first.body.issued[0].number).toMatch(/^REM-\d{4}-\d{6}$/);
    expect((await run(addDays(due, 7))).body.issued).toEqual([]);
    await run(addDays(due, 20));
    expect(await levels()).toHaveLength(1);
    await run(addDays(due, 21));
    await run(addDays(due, 35));
    await run(addDays(due, 100));
    expect(await levels()).toEqual([
      [1, addDays(due, 7), 7, 0],
      [2, addDays(due, 21), 21, 500],
      [3, addDays(due, 35), 35, 1000],
    ]);
    // The invoices list flags the level reached.
    expect((await h.get('query', `/invoices?orderId=${inv.orderId}`, { role: 'clerk' })).body.items[0].reminderLevel).toBe(3);
    // The event carries what its consumers need; one per reminder.
    const events = (await outbox('reminder_issued')).filter((e) => e.data.invoiceId === inv.id);
    expect(events.map((e) => [e.data.level, e.data.fee, e.data.balance])).toEqual([
      [1, 0, 2975],
      [2, 500, 2975],
      [3, 1000, 2975],
    ]);
  });

  it('issues nothing for a paid or credited invoice; a partly paid one is reminded of what is left', async () => {
    const [paid, credited, part] = [await invoice(), await invoice(), await invoice()];
    expect((await h.post('record-payment', { invoiceId: paid.id, amount: paid.balance, method: 'bank_transfer' }, { role: 'accountant' })).status).toBe(201);
    expect((await h.post('record-payment', { invoiceId: part.id, amount: 975, method: 'bank_transfer' }, { role: 'accountant' })).status).toBe(201);
    expect((await h.post('cancel-order', { id: credited.orderId }, { role: 'clerk' })).status).toBe(200);
    await h.settle();
    expect((await h.get('query', `/invoices/${credited.id}`, { role: 'clerk' })).body.status).toBe('credited');
    await run(addDays(paid.dueDate, 40));
    expect(await remindersOf(paid.id)).toEqual([]);
    expect((await h.get('query', `/invoices?orderId=${paid.orderId}`, { role: 'clerk' })).body.items[0].reminderLevel).toBeNull();
    expect(await remindersOf(credited.id)).toEqual([]);
    expect((await remindersOf(part.id)).map((r) => [r.level, r.balance])).toEqual([[1, 2000]]);
  });

  it('issues each level once across two runs at the same time and a third after them', async () => {
    const invoices = [await invoice(), await invoice(), await invoice(), await invoice('USD')];
    const asOf = addDays(invoices[0]!.dueDate, 50);
    const before = (await q<{ n: number }>('select count(*)::int as n from billing.reminders'))[0]!.n;
    const [a, b] = await Promise.all([run(asOf), run(asOf)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const mine = (r: typeof a) => (r.body.issued as { invoiceId: string; level: number }[]).filter((x) => invoices.some((i) => i.id === x.invoiceId));
    // Between the two runs, exactly one level 1 per invoice (and level 1 only: never two levels in one day).
    expect([...mine(a), ...mine(b)].map((x) => `${x.invoiceId}:${x.level}`).sort()).toEqual(invoices.map((i) => `${i.id}:1`).sort());
    expect(mine(await run(asOf))).toEqual([]);
    const rows = await q<{ invoice_id: string; level: number; n: number }>(
      'select invoice_id, level, count(*)::int as n from billing.reminders group by 1, 2 having count(*) > 1',
    );
    expect(rows).toEqual([]);
    // The backstop whatever the code does: Postgres itself refuses a second row for an invoice's level.
    await expect(
      h.db.pool.query(
        `insert into billing.reminders (id, number, invoice_id, level, issue_date, days_past_due, balance, fee, currency)
                       select 'dup', 'REM-DUP', invoice_id, level, issue_date, days_past_due, balance, fee, currency from billing.reminders where invoice_id = $1`,
        [invoices[0]!.id],
      ),
    ).rejects.toMatchObject({ code: '23505' });
    // Numbers gapless: REM-<year>-000001 up to the count, each once.
    const numbers = (await q<{ number: string }>('select number from billing.reminders order by number')).map((r) => r.number);
    expect(numbers.length).toBeGreaterThan(before);
    const byYear = new Map<string, number[]>();
    for (const num of numbers) byYear.set(num.slice(4, 8), [...(byYear.get(num.slice(4, 8)) ?? []), Number(num.slice(9))]);
    for (const seqs of byYear.values()) expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    // One event per reminder, however many runs.
    const events = await outbox('reminder_issued');
    expect(events.length).toBe(numbers.length);
    // 14 days later the next level, again once, with the USD fee for the USD invoice.
    const later = addDays(asOf, 14);
    await Promise.all([run(later), run(later)]);
    for (const i of invoices)
      expect((await remindersOf(i.id)).map((r) => [r.level, r.fee])).toEqual([
        [1, 0],
        [2, i.currency === 'USD' ? 600 : 500],
      ]);
  });

  it('books each fee, the ledger stays balanced and receivables still equal the invoice balances', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const tb = (await h.get('query', `/ledger/trial-balance?asOf=${addDays(today, 1)}`, { role: 'accountant' })).body;
    expect(tb).toMatchObject({ balanced: true, problems: [] });
    for (const c of tb.currencies as { currency: string; totalDebit: number; totalCredit: number; accounts: { account: string; balance: number }[] }[]) {
      expect(c.totalDebit).toBe(c.totalCredit);
      const balance = (code: string) => c.accounts.find((a) => a.account === code)?.balance ?? 0;
      const [truth] = await q<{ receivable: number; fees: number }>(
        `select (select coalesce(sum(balance), 0) from billing.invoice_view where currency = $1)::bigint as receivable,
                (select coalesce(sum(fee), 0) from billing.reminders where currency = $1)::bigint as fees`,
        [c.currency],
      );
      expect(balance(chart.receivable.code)).toBe(truth!.receivable);
      expect(balance(chart.reminderFeesReceivable.code)).toBe(truth!.fees);
      expect(balance(chart.reminderFees.code)).toBe(truth!.fees);
      expect(truth!.fees).toBeGreaterThan(0);
    }
    // Per customer too: AR per customer reconciles with the invoices, fees or not.
    const items: { customerId: string; currency: string; balance: number }[] = [];
    let cursor: string | undefined;
    do {
      const page = (await h.get('query', `/ledger/receivables?asOf=${addDays(today, 1)}&limit=100${cursor ? `&cursor=${cursor}` : ''}`, { role: 'accountant' }))
        .body;
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const truth = await q<{ customer_id: string; currency: string; balance: number }>(
      `select customer_id, currency, sum(balance)::bigint as balance from billing.invoice_view group by 1, 2 having sum(balance) <> 0`,
    );
    expect(items.map((r) => `${r.customerId}/${r.currency}/${r.balance}`).sort()).toEqual(
      truth.map((r) => `${r.customer_id}/${r.currency}/${r.balance}`).sort(),
    );
  });

  it('renders the PDF under reminders/<number>.pdf, served to the roles that read invoices', async () => {
    const inv = await invoice();
    const { issued } = (await run(addDays(inv.dueDate, 7))).body as { issued: { reminderId: string; number: string; invoiceId: string }[] };
    const mine = issued.find((r) => r.invoiceId === inv.id)!;
    const pdfUrl = `/reminders/${mine.reminderId}/pdf`;
    expect((await h.get('query', pdfUrl, { role: 'clerk' })).status).toBe(503);
    const event = (await outbox('reminder_issued')).find((e) => e.data.reminderId === mine.reminderId)!;
    expect((await h.deliver('render-document', event)).body).toEqual({ outcome: 'applied' });
    const pdf = await h.get('query', pdfUrl, { role: 'clerk' });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.raw.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await storage.keys('reminders/')).toContain(`reminders/${mine.number}.pdf`);
    expect((await h.get('query', `/reminders/00000000-0000-7000-8000-000000000000/pdf`, { role: 'clerk' })).status).toBe(404);
  });

  it('e-mails a reminder on issue when the profile says so, and on Send by e-mail, PDF attached', async () => {
    setProfile(true);
    const inv = await invoice('EUR', 'buchhaltung@late.example');
    const { issued } = (await run(addDays(inv.dueDate, 7))).body as { issued: { reminderId: string; number: string; invoiceId: string }[] };
    const mine = issued.find((r) => r.invoiceId === inv.id)!;
    const event = (await outbox('reminder_issued')).find((e) => e.data.reminderId === mine.reminderId)!;
    expect((await h.deliver('render-document', event)).status).toBe(200);
    const requested = (await outbox('document_delivery_requested')).filter((e) => e.data.documentId === mine.reminderId);
    expect(requested.map((e) => [e.data.kind, e.data.trigger, e.data.recipient])).toEqual([['reminder', 'on_issue', 'buchhaltung@late.example']]);
    expect((await h.deliver('render-document', requested[0])).status).toBe(200);
    const mail = await waitFor(async () => smtp.received.find((m) => m.subject?.includes(mine.number)), { what: 'the reminder e-mail' });
    expect(mail.subject).toBe(`Payment reminder ${mine.number}: invoice ${inv.number} from ${company.name}`);
    expect(mail.text).toContain(`${inv.number}`);
    const stored = (await h.get('query', `/reminders/${mine.reminderId}/pdf`, { role: 'accountant' })).raw;
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([[`${mine.number}.pdf`, 'application/pdf']]);
    expect(Buffer.compare(mail.attachments[0]!.content, stored)).toBe(0);
    // Send by e-mail works for a reminder like for any document, and the invoice lists the e-mails.
    const sent = await h.call('render-document', '/send', { role: 'accountant', body: { kind: 'reminder', id: mine.reminderId } });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ kind: 'reminder', number: mine.number, recipient: 'buchhaltung@late.example' });
    const detail = (await h.get('query', `/invoices/${inv.id}`, { role: 'clerk' })).body;
    expect(detail.deliveries.map((d: { kind: string; trigger: string }) => [d.kind, d.trigger])).toEqual([
      ['reminder', 'on_issue'],
      ['reminder', 'manual'],
    ]);
  });

  it('refuses a clerk (403), no token (401) and a bad day (400 naming asOf), writing nothing', async () => {
    const before = await q<{ n: number }>('select count(*)::int as n from billing.reminders');
    const asOf = addDays(new Date().toISOString().slice(0, 10), 400);
    expect((await run(asOf, 'clerk')).status).toBe(403);
    expect((await h.call('create-invoice', '/reminders', { body: { asOf } })).status).toBe(401);
    const bad = await run('2026-02-30', 'accountant');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('asOf');
    expect((await h.call('create-invoice', '/reminders', { role: 'admin', body: { asOf, extra: 1 } })).status).toBe(400);
    expect(await q<{ n: number }>('select count(*)::int as n from billing.reminders')).toEqual(before);
    // Today, with nothing given: runs as today's UTC day.
    const today = await run(undefined, 'accountant');
    expect(today.status).toBe(200);
    expect(today.body.asOf).toBe(new Date().toISOString().slice(0, 10));
  });
});
