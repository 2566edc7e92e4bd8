import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBox, type Box } from '../support/box.js';
import { discardBox } from '../support/discard-box.js';
import { invoicedOrder } from '../support/invoiced-order.js';
import { inspect, launchChromium, signInAt } from '../support/browser.js';
import { natsUrl } from '../support/nats.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { waitFor } from '../support/wait.js';

// Send by e-mail through the workspace, on `npm start`'s box with e-mail on (SMTP_* in its environment,
// a real SMTP server on 127.0.0.1): the accountant presses the button, the page says where it goes and
// then shows it sent with the server's answer; the message at the server has the invoice's PDF.

let box: Box;
let db: TestDatabase;
let smtp: SmtpSink;
let browser: Browser;
const tag = Date.now().toString(36).toUpperCase();

beforeAll(async () => {
  smtp = await startSmtpSink();
  db = await createTestDatabase('mailui');
  box = await startBox({ databaseUrl: db.url, natsUrl, env: { ...smtp.env, EMAIL_FROM: 'Your Company Ltd <billing@example.com>' }, readyTimeoutMs: 170_000 });
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await discardBox(box, db);
  await smtp?.close();
});

describe('Send by e-mail in the workspace', () => {
  it('npm start says e-mail is on and where it goes', () => {
    expect(box.output()).toContain(`e-mail      e-mail via 127.0.0.1:${smtp.port} (none) from Your Company Ltd <billing@example.com>`);
  });

  it("accountant: sends the invoice, sees the outcome and the e-mail sent with the server's answer", async () => {
    const invoice = await invoicedOrder(box, { sku: `M${tag}`, customerName: `Mail ${tag} Ltd`, email: 'accounts@customer.example', paymentTermsDays: 30 });
    await waitFor(async () => (await box.api(`/function/query/invoices/${invoice.id}/pdf`, { role: 'accountant' })).status === 200, {
      timeoutMs: 30_000,
      what: 'the PDF',
    });

    const { context, page, problems } = await signInAt(browser, `${box.url}/#/invoices/${invoice.id}`, 'accountant');
    await page.getByRole('heading', { name: `Invoice ${invoice.number}` }).waitFor();
    await expect.poll(() => page.getByText('Not sent by e-mail yet.').isVisible()).toBe(true);

    await page.getByRole('main').getByRole('button', { name: 'Send by e-mail', exact: true }).click();
    await page.getByRole('main').getByText(`${invoice.number} is being sent to accounts@customer.example`).waitFor();
    const row = page.getByRole('region', { name: 'E-mails' }).getByRole('row').nth(1);
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toMatch(/sent/);
    expect(await row.textContent()).toMatch(/accounts@customer\.example.*sent.*250 /);

    const mail = smtp.received.find((m) => m.subject === `Invoice ${invoice.number} from Your Company Ltd`);
    expect(mail?.attachments.map((a) => a.filename)).toEqual([`${invoice.number}.pdf`]);
    await inspect(page, 'invoice-emailed');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('clerk: no Send by e-mail button', async () => {
    const invoices = (await box.api('/function/query/invoices', { role: 'clerk' })).body.items;
    const { context, page } = await signInAt(browser, `${box.url}/#/invoices/${invoices[0].id}`, 'clerk');
    await page.getByRole('heading', { name: `Invoice ${invoices[0].number}` }).waitFor();
    await page.getByRole('heading', { name: 'E-mails' }).waitFor();
    expect(await page.getByRole('button', { name: 'Send by e-mail' }).count()).toBe(0);
    await context.close();
  });
});
