import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { companyProfile } from '../../shared/documents/company.js';
import { permanentFailureAttempts } from '../../shared/billing/deliveries.js';
import type { CallOptions, Harness } from '../support/harness.js';
import type { SmtpSink } from '../support/smtp-sink.js';
import { startDocumentServices, type DocumentServices } from '../support/document-services.js';
import { countRows, outboxEvents } from '../support/outbox.js';
import { waitFor } from '../support/wait.js';

// E-mailing invoices and credit notes end to end: real Postgres, NATS, object storage (s3rver) and a real
// SMTP server on 127.0.0.1 (smtp-server), whose messages mailparser reads back. The test plays the
// connector for render-document: it hands the events over itself, as often as a redelivery would.
const company = {
  name: 'Kaffeerösterei Łódź GmbH',
  address: ['Hauptstraße 5', '10115 Berlin'],
  email: 'billing@roesterei.example',
};
const setProfile = (emailOnIssue: boolean) => (process.env.COMPANY_PROFILE = JSON.stringify(companyProfile.parse({ ...company, emailOnIssue })));

let services: DocumentServices;
let h: Harness;
let smtp: SmtpSink;

beforeAll(async () => {
  setProfile(false);
  ({ h, smtp } = services = await startDocumentServices('email', {
    EMAIL_FROM: `${company.name} <${company.email}>`,
    EMAIL_REPLY_TO: 'accounts@roesterei.example',
  }));
});
afterAll(() => services?.close());
beforeEach(() => {
  smtp.refuseNext(0, '', 0);
  setProfile(false);
});

const outbox = (type: string) => outboxEvents(h.db.pool, type);
const count = (sql: string, params: unknown[] = []) => countRows(h.db.pool, sql, params);
const delivery = async (id: string) => (await h.db.pool.query('select * from billing.document_deliveries where id = $1', [id])).rows[0];
const deliver = (event: unknown) => h.deliver('render-document', event);
const send = (body: unknown, opts: CallOptions = { role: 'accountant' }) => h.call('render-document', '/send', { ...opts, body });
/** The event the send raised, by its delivery id. */
const requested = async (deliveryId: string) => (await outbox('document_delivery_requested')).find((e) => e.data.deliveryId === deliveryId)!;
const mailsTo = (address: string) => smtp.received.filter((m) => m.to && !Array.isArray(m.to) && m.to.value.some((a) => a.address === address));

let customers = 0;
/** An issued invoice whose PDF is rendered and stored, for a customer with `email` (none: null). */
async function renderedInvoice(email: string | null) {
  const n = ++customers;
  const sku = `MAIL-${n}`;
  expect((await h.post('upsert-product', { sku, name: `Beans ${n}`, unitPrice: 1250, currency: 'EUR', taxRateBp: 1900 }, { role: 'admin' })).status).toBe(200);
  expect((await h.post('receive-stock', { sku, quantity: 10 }, { role: 'clerk' })).status).toBe(200);
  const buyer = await h.post('upsert-customer', { name: `Customer ${n} GmbH`, ...(email ? { email } : {}), paymentTermsDays: 14 }, { role: 'clerk' });
  const order = await h.post('create-order', { customerId: buyer.body.id, lines: [{ sku, quantity: 2 }] }, { role: 'clerk' });
  expect(order.status).toBe(201);
  await h.settle();
  const invoice = (await h.get('query', `/invoices?orderId=${order.body.id}`, { role: 'accountant' })).body.items[0];
  const created = (await outbox('invoice_created')).find((e) => e.data.invoiceId === invoice.id)!;
  expect((await deliver(created)).body).toEqual({ outcome: 'applied' });
  const pdf = (await h.get('query', `/invoices/${invoice.id}/pdf`, { role: 'accountant' })).raw;
  return { order: order.body, invoice, created, pdf };
}

const pdfOf = (m: ParsedMail) => m.attachments.find((a) => a.contentType === 'application/pdf');

describe('Send by e-mail', () => {
  it("sends the invoice to the customer's address with the stored PDF attached, once per request", async () => {
    const { invoice, pdf } = await renderedInvoice('einkauf@kunde.example');
    const key = { 'idempotency-key': 'send-invoice-1' };
    const res = await send({ kind: 'invoice', id: invoice.id }, { role: 'accountant', headers: key });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      kind: 'invoice',
      documentId: invoice.id,
      number: invoice.number,
      recipient: 'einkauf@kunde.example',
      status: 'requested',
    });
    const { deliveryId } = res.body;
    expect(await delivery(deliveryId)).toMatchObject({ status: 'requested', attempts: 0, trigger: 'manual', invoice_id: invoice.id });
    expect(mailsTo('einkauf@kunde.example')).toHaveLength(0); // nothing before the reaction: sent after commit

    const event = await requested(deliveryId);
    expect((await deliver(event)).body).toEqual({ outcome: 'applied' });
    const [mail] = await waitFor(async () => mailsTo('einkauf@kunde.example').length > 0 && mailsTo('einkauf@kunde.example'), {
      what: 'the message at the sink',
    });
    expect(mail!.subject).toBe(`Invoice ${invoice.number} from ${company.name}`);
    expect(mail!.from?.value[0]).toMatchObject({ address: company.email, name: company.name });
    expect((mail!.replyTo?.value ?? [])[0]?.address).toBe('accounts@roesterei.example');
    expect(mail!.text).toContain(invoice.number);
    expect(mail!.messageId).toBe(`<${deliveryId}@roesterei.example>`);
    const attached = pdfOf(mail!);
    expect(attached?.filename).toBe(`${invoice.number}.pdf`);
    expect(Buffer.compare(attached!.content, pdf)).toBe(0);

    const sent = await delivery(deliveryId);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, message_id: `<${deliveryId}@roesterei.example>` });
    expect(sent.server_answer).toMatch(/^250 /);
    expect(sent.sent_at).toBeInstanceOf(Date);

    // The invoice's answer carries its deliveries.
    const read = await h.get('query', `/invoices/${invoice.id}`, { role: 'clerk' });
    expect(read.body.deliveries).toEqual([
      expect.objectContaining({
        id: deliveryId,
        kind: 'invoice',
        number: invoice.number,
        recipient: 'einkauf@kunde.example',
        status: 'sent',
        attempts: 1,
        trigger: 'manual',
        serverAnswer: sent.server_answer,
      }),
    ]);
    expect(read.body.deliveries[0].sentAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);

    // The same request again: its first answer, no new delivery, no new event, no new message.
    const events = (await outbox('document_delivery_requested')).length;
    const replay = await send({ kind: 'invoice', id: invoice.id }, { role: 'accountant', headers: key });
    expect(replay.status).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.deliveryId).toBe(deliveryId);
    expect(await count('billing.document_deliveries where invoice_id = $1', [invoice.id])).toBe(1);
    expect((await outbox('document_delivery_requested')).length).toBe(events);

    // The event redelivered: a duplicate; even past the inbox (its row pruned), a sent delivery sends nothing.
    expect((await deliver(event)).body).toEqual({ outcome: 'duplicate' });
    await h.db.pool.query('delete from platform.processed_events where event_id = $1', [event.id]);
    expect((await deliver(event)).body).toEqual({ outcome: 'applied' });
    expect(mailsTo('einkauf@kunde.example')).toHaveLength(1);
    expect(await delivery(deliveryId)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it("records the server's refusal (451, then 550) and retries until it takes the message", async () => {
    const { invoice, pdf } = await renderedInvoice('retry@kunde.example');
    const { deliveryId } = (await send({ kind: 'invoice', id: invoice.id })).body;
    const event = await requested(deliveryId);

    smtp.refuseNext(451, '4.3.0 mailbox busy, try again later');
    const busy = await deliver(event);
    expect(busy.status).toBe(503); // the connector delivers it again later, with growing delays
    expect(busy.body.error).toMatchObject({ code: 'email_not_sent', details: { deliveryId } });
    expect(busy.body.error.details.response).toMatch(/^451 4\.3\.0 mailbox busy/);
    expect(await delivery(deliveryId)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await delivery(deliveryId)).server_answer).toMatch(/^451 4\.3\.0 mailbox busy/);
    expect(await count('platform.processed_events where event_id = $1', [event.id])).toBe(0);

    smtp.refuseNext(550, '5.1.1 <retry@kunde.example>: no such user');
    expect((await deliver(event)).status).toBe(503);
    const refused = await delivery(deliveryId);
    expect(refused).toMatchObject({ status: 'failed', attempts: 2, sent_at: null });
    expect(refused.server_answer).toMatch(/^550 5\.1\.1 <retry@kunde\.example>: no such user/);
    // What the invoice page shows meanwhile: failed, with the server's words.
    const shown = (await h.get('query', `/invoices/${invoice.id}`, { role: 'accountant' })).body.deliveries[0];
    expect(shown).toMatchObject({ status: 'failed', attempts: 2, serverAnswer: refused.server_answer, sentAt: null });
    expect(shown.lastAttemptAt).toMatch(/Z$/);
    expect(mailsTo('retry@kunde.example')).toHaveLength(0);

    expect((await deliver(event)).body).toEqual({ outcome: 'applied' });
    const [mail] = mailsTo('retry@kunde.example');
    expect(Buffer.compare(pdfOf(mail!)!.content, pdf)).toBe(0);
    expect(await delivery(deliveryId)).toMatchObject({ status: 'sent', attempts: 3 });
    expect((await delivery(deliveryId)).server_answer).toMatch(/^250 /);
  });

  it(`gives up on a 5xx after ${permanentFailureAttempts} attempts: acknowledged, the delivery stays failed with the answer`, async () => {
    const { invoice } = await renderedInvoice('nobody@kunde.example');
    const { deliveryId } = (await send({ kind: 'invoice', id: invoice.id })).body;
    const event = await requested(deliveryId);
    smtp.refuseNext(550, '5.1.1 no such user', permanentFailureAttempts);
    for (let i = 1; i < permanentFailureAttempts; i++) expect((await deliver(event)).status).toBe(503);
    expect((await deliver(event)).body).toEqual({ outcome: 'applied' });
    expect(await delivery(deliveryId)).toMatchObject({ status: 'failed', attempts: permanentFailureAttempts, server_answer: '550 5.1.1 no such user' });
    expect((await deliver(event)).body).toEqual({ outcome: 'duplicate' });
    expect(mailsTo('nobody@kunde.example')).toHaveLength(0);
  });

  it('after a crash between the server taking the message and our commit, sends again with the same Message-ID', async () => {
    const { invoice } = await renderedInvoice('crash@kunde.example');
    const { deliveryId } = (await send({ kind: 'invoice', id: invoice.id })).body;
    const event = await requested(deliveryId);
    expect((await deliver(event)).status).toBe(200);
    // As the crash leaves it: the message went out, our `sent` and the inbox row never committed.
    await h.db.pool.query(`update billing.document_deliveries set status = 'sending', sent_at = null where id = $1`, [deliveryId]);
    await h.db.pool.query('delete from platform.processed_events where event_id = $1', [event.id]);
    expect((await deliver(event)).body).toEqual({ outcome: 'applied' });
    const mails = mailsTo('crash@kunde.example');
    expect(mails).toHaveLength(2);
    expect(mails[1]!.messageId).toBe(mails[0]!.messageId);
    expect(await delivery(deliveryId)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it("sends a credit note with its own PDF; it shows among the invoice's deliveries", async () => {
    const { order, invoice } = await renderedInvoice('credit@kunde.example');
    expect((await h.post('cancel-order', { id: order.id }, { role: 'clerk' })).status).toBe(200);
    await h.settle();
    const issued = (await outbox('credit_note_issued')).find((e) => e.data.invoiceId === invoice.id)!;
    expect((await deliver(issued)).status).toBe(200);
    const noteId = String(issued.data.creditNoteId);
    const notePdf = (await h.get('query', `/credit-notes/${noteId}/pdf`, { role: 'accountant' })).raw;

    const res = await send({ kind: 'credit_note', id: noteId }, { role: 'admin' });
    expect(res.status).toBe(202);
    expect((await deliver(await requested(res.body.deliveryId))).status).toBe(200);
    const [mail] = mailsTo('credit@kunde.example');
    expect(mail!.subject).toBe(`Credit note ${String(issued.data.number)} from ${company.name}`);
    expect(mail!.text).toContain(invoice.number);
    expect(Buffer.compare(pdfOf(mail!)!.content, notePdf)).toBe(0);
    const shown = (await h.get('query', `/invoices/${invoice.id}`, { role: 'accountant' })).body.deliveries;
    expect(shown).toEqual([expect.objectContaining({ kind: 'credit_note', documentId: noteId, number: issued.data.number, status: 'sent' })]);
  });

  it('refuses other roles (403), no token (401), unknown documents (404), bad bodies (400); nothing written', async () => {
    const { invoice } = await renderedInvoice('roles@kunde.example');
    const before = [await count('billing.document_deliveries'), (await outbox('document_delivery_requested')).length];
    for (const role of ['clerk', 'service', 'bi-reader'] as const) {
      const res = await send({ kind: 'invoice', id: invoice.id }, { role });
      expect(res.status, role).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await send({ kind: 'invoice', id: invoice.id }, { token: null })).status).toBe(401);
    const unknown = await send({ kind: 'invoice', id: 'no-such-invoice' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    expect((await send({ kind: 'credit_note', id: invoice.id })).status).toBe(404);
    expect((await send({ kind: 'reminder', id: invoice.id })).status).toBe(404);
    for (const body of [{ kind: 'order', id: invoice.id }, { kind: 'invoice' }, { kind: 'invoice', id: invoice.id, to: 'x@y.example' }]) {
      const bad = await send(body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
    }
    expect([await count('billing.document_deliveries'), (await outbox('document_delivery_requested')).length]).toEqual(before);
  });

  it('a customer without an e-mail address: 422 no_billing_email naming the customer; nothing written', async () => {
    const { invoice } = await renderedInvoice(null);
    const res = await send({ kind: 'invoice', id: invoice.id });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'no_billing_email', details: { customerId: invoice.customerId } });
    expect(res.body.error.message).toContain(invoice.number);
    expect(await count('billing.document_deliveries where invoice_id = $1', [invoice.id])).toBe(0);
  });

  it('no SMTP server configured: 503 email_not_configured; nothing written', async () => {
    const { invoice } = await renderedInvoice('off@kunde.example');
    const host = process.env.SMTP_HOST;
    delete process.env.SMTP_HOST;
    try {
      const res = await send({ kind: 'invoice', id: invoice.id });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('email_not_configured');
    } finally {
      process.env.SMTP_HOST = host;
    }
    expect(await count('billing.document_deliveries where invoice_id = $1', [invoice.id])).toBe(0);
  });
});

describe('E-mail on issue (company profile emailOnIssue)', () => {
  it('renders, then requests one delivery per document and sends it; none for a customer without an address', async () => {
    setProfile(true);
    const { invoice, created, pdf } = await renderedInvoice('auto@kunde.example');
    const auto = (await outbox('document_delivery_requested')).filter((e) => e.data.documentId === invoice.id);
    expect(auto).toHaveLength(1);
    expect(auto[0]!.data).toMatchObject({ kind: 'invoice', trigger: 'on_issue', recipient: 'auto@kunde.example', number: invoice.number });
    expect((await deliver(auto[0])).status).toBe(200);
    const [mail] = mailsTo('auto@kunde.example');
    expect(Buffer.compare(pdfOf(mail!)!.content, pdf)).toBe(0);

    // The render redelivered past its inbox row: the PDF again, but no second automatic delivery.
    await h.db.pool.query(`delete from platform.processed_events where consumer = 'render-document' and event_id = $1`, [created.id]);
    expect((await deliver(created)).body).toEqual({ outcome: 'applied' });
    expect(await count(`billing.document_deliveries where document_id = $1`, [invoice.id])).toBe(1);

    const silent = await renderedInvoice(null);
    expect(await count('billing.document_deliveries where invoice_id = $1', [silent.invoice.id])).toBe(0);
  });

  it('stays off by default', async () => {
    const { invoice } = await renderedInvoice('manual-only@kunde.example');
    expect(await count('billing.document_deliveries where invoice_id = $1', [invoice.id])).toBe(0);
  });
});
