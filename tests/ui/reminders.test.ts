import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBox, type Box } from '../support/box.js';
import { discardBox } from '../support/discard-box.js';
import { invoicedOrder, ok } from '../support/invoiced-order.js';
import { inspect, launchChromium, signInAt } from '../support/browser.js';
import { natsUrl } from '../support/nats.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { waitFor } from '../support/wait.js';

// Reminders on `npm start`'s box: the run (as the accountant would press it, or the connector's schedule
// calls it), then the real connector hands reminder_issued to render-document, and the invoice page shows
// the history: level, number, the PDF link, Send by e-mail; the list flags the level.

let box: Box;
let db: TestDatabase;
let browser: Browser;
const tag = Date.now().toString(36).toUpperCase();

beforeAll(async () => {
  db = await createTestDatabase('remindui');
  box = await startBox({ databaseUrl: db.url, natsUrl, readyTimeoutMs: 170_000 });
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await discardBox(box, db);
});

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('Reminders in the workspace', () => {
  it('accountant: the invoice page lists the reminder with its PDF and Send by e-mail; the list shows its level', async () => {
    const invoice = await invoicedOrder(box, { sku: `R${tag}`, customerName: `Late ${tag} Ltd`, email: 'accounts@late.example', paymentTermsDays: 14 });
    const run = await box.api('/function/create-invoice/reminders', { role: 'accountant', body: { asOf: addDays(invoice.dueDate, 7) } });
    ok(run);
    const reminder = run.body.issued.find((r: { invoiceId: string }) => r.invoiceId === invoice.id);
    expect(reminder).toMatchObject({ level: 1, fee: 0 });
    await waitFor(async () => (await box.api(`/function/query/reminders/${reminder.reminderId}/pdf`, { role: 'accountant' })).status === 200, {
      timeoutMs: 30_000,
      what: 'the reminder PDF',
    });

    const { context, page, problems } = await signInAt(browser, `${box.url}/#/invoices/${invoice.id}`, 'accountant');
    await page.getByRole('heading', { name: `Invoice ${invoice.number}` }).waitFor();
    await page.getByRole('heading', { name: 'Reminders' }).waitFor();
    const row = page.getByRole('region', { name: 'Reminders' }).getByRole('row').nth(1);
    await expect.poll(() => row.textContent()).toContain(reminder.number);
    expect(await row.getByRole('button', { name: 'PDF' }).count()).toBe(1);
    expect(await row.getByRole('button', { name: 'Send by e-mail' }).count()).toBe(1);
    await inspect(page, 'invoice-reminders');

    await page.goto(`${box.url}/#/invoices?q=${invoice.number}`);
    await expect.poll(() => page.getByRole('main').getByText('reminder 1').count(), { timeout: 10_000 }).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });
});
