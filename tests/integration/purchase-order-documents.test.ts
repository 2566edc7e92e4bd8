import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { companyProfile } from '../../shared/documents/company.js';
import { parseEventData } from '../../shared/events/registry.js';
import { upsertSupplier } from '../../shared/inventory/suppliers.js';
import { supplierBody, type SupplierInput } from '../../shared/schemas/supplier.js';
import { runUnitOfWork } from '../../shared/unit-of-work.js';
import type { CallOptions, Harness } from '../support/harness.js';
import type { TestStorage } from '../support/object-storage.js';
import type { SmtpSink } from '../support/smtp-sink.js';
import { startDocumentServices, type DocumentServices } from '../support/document-services.js';
import { countRows, outboxEvents } from '../support/outbox.js';
import { waitFor } from '../support/wait.js';

// Purchase orders as documents end to end: real Postgres, JetStream, object storage (s3rver) and SMTP
// (smtp-server). Purchase orders are made and sent through receive-stock's commands; the test plays the
// connector for render-document, handing it purchase_order_sent and document_delivery_requested itself.
// The PDF is read with poppler's pdftotext.

const company = {
  name: 'Kaffeerösterei Łódź GmbH',
  address: { lines: ['Hauptstraße 5'], postalCode: '10115', city: 'Berlin', country: 'DE' },
  vatId: 'DE136695976',
  email: 'einkauf@roesterei.example',
};
const setProfile = (emailOnIssue: boolean) => (process.env.COMPANY_PROFILE = JSON.stringify(companyProfile.parse({ ...company, emailOnIssue })));

let services: DocumentServices;
let h: Harness;
let storage: TestStorage;
let smtp: SmtpSink;
let withEmail: string;
let withoutEmail: string;
const tag = randomUUID().slice(0, 6);
const skus = { beans: `BEAN-${tag}`, filters: `FILT-${tag}` }; // short enough for one line of the sku column

async function supplier(input: SupplierInput): Promise<string> {
  const deps = { db: h.db.pool, js: h.bus.bus.js, prefix: h.bus.prefix, log: pino({ level: 'silent' }) };
  const made = await runUnitOfWork(deps, { correlationId: randomUUID(), causationId: null, actor: 'test-admin' }, (uow) =>
    upsertSupplier(uow, supplierBody.parse(input)),
  );
  return made.supplierId;
}

beforeAll(async () => {
  setProfile(false);
  ({ h, storage, smtp } = services = await startDocumentServices('podocs', { EMAIL_FROM: `${company.name} <${company.email}>` }));
  withEmail = await supplier({
    name: 'Bohnen Import AG',
    currency: 'EUR',
    paymentTermsDays: 14,
    email: 'orders@bohnen.example',
    vatId: 'FR40303265045',
    address: { lines: ['12 Rue du Café'], postalCode: '75001', city: 'Paris', country: 'FR' },
  });
  withoutEmail = await supplier({ name: 'Papier ohne Post KG', currency: 'EUR' });
  for (const [sku, name] of [
    [skus.beans, 'Espresso beans 1 kg'],
    [skus.filters, 'Paper filters ×100'],
  ] as const) {
    expect((await h.post('upsert-product', { sku, name, unitPrice: 2490, currency: 'EUR', taxRateBp: 700 }, { role: 'admin' })).status).toBe(200);
  }
  // The supplier's own number is put on the line when it is the product's preferred supplier.
  await h.db.pool.query('update inventory.products set preferred_supplier_id = $2, supplier_sku = $3 where sku = $1', [skus.beans, withEmail, 'BI-7734']);
}, 60_000);
afterAll(() => services?.close());
beforeEach(() => setProfile(false));

const outbox = (type: string) => outboxEvents(h.db.pool, type);
const count = (sql: string, params: unknown[] = []) => countRows(h.db.pool, sql, params);
const render = (event: unknown) => h.deliver('render-document', event);
const pdfOf = (id: string, opts: CallOptions = { role: 'clerk' }) => h.get('query', `/purchase-orders/${id}/pdf`, opts);
const emailIt = (body: unknown, opts: CallOptions = { role: 'clerk' }) => h.call('render-document', '/send-purchase-order', { ...opts, body });
const text = (pdf: Buffer) => execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');
const mailsTo = (address: string) => smtp.received.filter((m) => m.to && !Array.isArray(m.to) && m.to.value.some((a) => a.address === address));
const attachedPdf = (m: ParsedMail) => m.attachments.find((a) => a.contentType === 'application/pdf');
/** Every row a refused Send by e-mail might have written. */
const deliveriesWritten = async () => [await count('billing.document_deliveries'), (await outbox('document_delivery_requested')).length];

async function draft(supplierId: string, note?: string) {
  const res = await h.call('receive-stock', '/purchase-order', {
    role: 'clerk',
    body: {
      supplierId,
      lines: [
        { sku: skus.beans, quantity: 40, unitCost: 1275 },
        { sku: skus.filters, quantity: 3, unitCost: 399 },
      ],
      ...(note ? { note } : {}),
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; number: string; total: number };
}

/** A purchase order sent (receive-stock), and its purchase_order_sent event, not yet rendered. */
async function sent(supplierId: string, note?: string) {
  const po = await draft(supplierId, note);
  const res = await h.call('receive-stock', '/purchase-order/send', { role: 'clerk', body: { purchaseOrderId: po.id } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const event = (await outbox('purchase_order_sent')).find((e) => e.data.purchaseOrderId === po.id)!;
  expect(event).toBeDefined();
  return { ...po, event };
}

/** A sent purchase order with its PDF rendered and stored. */
async function rendered(supplierId: string, note?: string) {
  const po = await sent(supplierId, note);
  expect((await render(po.event)).body).toEqual({ outcome: 'applied' });
  const pdf = await pdfOf(po.id);
  expect(pdf.status).toBe(200);
  return { ...po, pdf: pdf.raw };
}

describe('the purchase order PDF', () => {
  it('is rendered when the order is sent and served to the roles that read records: supplier, number, lines, total, where to deliver', async () => {
    const po = await sent(withEmail, 'Deliver Monday to Friday, 8 to 16 h, gate 2.');
    expect(po.total).toBe(40 * 1275 + 3 * 399);
    // Sent but not rendered yet: 503 with when to ask again.
    const early = await pdfOf(po.id);
    expect(early.status).toBe(503);
    expect(early.body.error.code).toBe('not_ready');
    expect(early.headers['retry-after']).toBe('30');

    expect((await render(po.event)).body).toEqual({ outcome: 'applied' });
    expect(await storage.keys('purchase-orders/')).toContain(`purchase-orders/${po.number}.pdf`);
    const res = await pdfOf(po.id);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`inline; filename="${po.number}.pdf"`);
    const page = text(res.raw);
    for (const shown of [
      'PURCHASE ORDER',
      po.number,
      'Bohnen Import AG',
      '12 Rue du Café',
      '75001 Paris',
      'France',
      'VAT ID FR40303265045',
      'orders@bohnen.example',
      'PLEASE DELIVER TO',
      company.name,
      'Hauptstraße 5',
      '10115 Berlin',
      'VAT ID DE136695976',
      '14 days net',
      skus.beans,
      'BI-7734',
      'Espresso beans 1 kg',
      '€12.75',
      '€510.00',
      skus.filters,
      'Paper filters ×100',
      '€3.99',
      '€11.97',
      'Total (EUR)',
      '€521.97',
      'Deliver Monday to Friday, 8 to 16 h, gate 2.',
      `quote ${po.number}`,
    ]) {
      expect(page, shown).toContain(shown);
    }
    expect(page).toMatch(/\s40\s+€12\.75\s+€510\.00/);
    expect(page).toMatch(new RegExp(`${po.number} · page 1 of 1`));

    for (const role of ['admin', 'accountant'] as const) expect((await pdfOf(po.id, { role })).status, role).toBe(200);
    expect((await pdfOf(po.id, { role: 'bi-reader' })).status).toBe(403);
    expect((await pdfOf(po.id, { token: null })).status).toBe(401);
    expect((await pdfOf('no-such-order')).status).toBe(404);
  });

  it('renders the same bytes again (a redelivery past the inbox), and none for a draft (409: it may still change)', async () => {
    const po = await rendered(withEmail);
    await h.db.pool.query(`delete from platform.processed_events where consumer = 'render-document' and event_id = $1`, [po.event.id]);
    expect((await render(po.event)).body).toEqual({ outcome: 'applied' });
    expect(Buffer.compare((await pdfOf(po.id)).raw, po.pdf)).toBe(0);

    const unsent = await draft(withEmail);
    const res = await pdfOf(unsent.id);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('invalid_transition');
    expect(res.body.error.message).toContain(unsent.number);
    expect(await storage.keys(`purchase-orders/${unsent.number}`)).toEqual([]);
  });
});

describe('Send by e-mail (render-document /send-purchase-order)', () => {
  it("sends the stored PDF to the supplier's address and records the delivery against the purchase order, once per request", async () => {
    const po = await rendered(withEmail);
    const key = { 'idempotency-key': `send-po-${po.id}` };
    const res = await emailIt({ purchaseOrderId: po.id }, { role: 'clerk', headers: key });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'purchase_order', documentId: po.id, number: po.number, recipient: 'orders@bohnen.example', status: 'requested' });
    const { deliveryId } = res.body;
    const row = async () => (await h.db.pool.query('select * from billing.document_deliveries where id = $1', [deliveryId])).rows[0];
    expect(await row()).toMatchObject({
      kind: 'purchase_order',
      purchase_order_id: po.id,
      invoice_id: null,
      status: 'requested',
      trigger: 'manual',
      requested_by: 'test-clerk',
    });
    const event = (await outbox('document_delivery_requested')).find((e) => e.data.deliveryId === deliveryId)!;
    expect(event).toMatchObject({ version: 2, aggregateType: 'delivery', aggregateId: deliveryId });
    expect(event.data).toMatchObject({ kind: 'purchase_order', documentId: po.id, invoiceId: null, customerId: null, supplierId: withEmail });
    expect(mailsTo('orders@bohnen.example')).toHaveLength(0); // sent after commit, by the reaction

    expect((await render(event)).body).toEqual({ outcome: 'applied' });
    const [mail] = await waitFor(async () => mailsTo('orders@bohnen.example').length > 0 && mailsTo('orders@bohnen.example'), {
      what: 'the message at the sink',
    });
    expect(mail!.subject).toBe(`Purchase order ${po.number} from ${company.name}`);
    expect(mail!.from?.value[0]).toMatchObject({ address: company.email });
    expect(mail!.text).toContain(`Dear Bohnen Import AG,`);
    expect(mail!.text).toContain(`quote ${po.number}`);
    expect(mail!.messageId).toBe(`<${deliveryId}@roesterei.example>`);
    const pdf = attachedPdf(mail!);
    expect(pdf?.filename).toBe(`${po.number}.pdf`);
    expect(Buffer.compare(pdf!.content, po.pdf)).toBe(0);
    expect(await row()).toMatchObject({ status: 'sent', attempts: 1 });
    expect((await row()).server_answer).toMatch(/^250 /);

    // The same request again answers the first delivery: nothing new written or sent.
    const before = await deliveriesWritten();
    const replay = await emailIt({ purchaseOrderId: po.id }, { role: 'clerk', headers: key });
    expect(replay.status).toBe(202);
    expect(replay.body.deliveryId).toBe(deliveryId);
    expect(await deliveriesWritten()).toEqual(before);
    expect(mailsTo('orders@bohnen.example')).toHaveLength(1);
  });

  it('refuses, writing nothing: a supplier without e-mail (422 no_supplier_email), a draft (409), an unknown order (422), e-mail off (503)', async () => {
    const mute = await rendered(withoutEmail);
    const unsent = await draft(withEmail);
    const ready = await rendered(withEmail);
    const before = await deliveriesWritten();

    const noAddress = await emailIt({ purchaseOrderId: mute.id });
    expect(noAddress.status).toBe(422);
    expect(noAddress.body.error).toMatchObject({ code: 'no_supplier_email', details: { supplierId: withoutEmail } });
    expect(noAddress.body.error.message).toContain('Papier ohne Post KG');
    expect(noAddress.body.error.message).toContain(mute.number);

    const notSent = await emailIt({ purchaseOrderId: unsent.id });
    expect(notSent.status).toBe(409);
    expect(notSent.body.error).toMatchObject({ code: 'invalid_transition', details: { status: 'draft' } });

    const unknown = await emailIt({ purchaseOrderId: 'no-such-order' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('unknown_purchase_order');

    const host = process.env.SMTP_HOST;
    delete process.env.SMTP_HOST;
    try {
      const off = await emailIt({ purchaseOrderId: ready.id });
      expect(off.status).toBe(503);
      expect(off.body.error.code).toBe('email_not_configured');
    } finally {
      process.env.SMTP_HOST = host;
    }
    for (const body of [{}, { purchaseOrderId: ready.id, to: 'x@y.example' }, { kind: 'purchase_order', id: ready.id }]) {
      const bad = await emailIt(body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
    }
    // Billing's Send by e-mail does not take purchase orders: they have their own route and roles.
    expect((await h.call('render-document', '/send', { role: 'admin', body: { kind: 'purchase_order', id: ready.id } })).status).toBe(400);
    expect(await deliveriesWritten()).toEqual(before);
  });

  it('is for who buys (admin, clerk); others 403, no token 401, nothing written', async () => {
    const po = await rendered(withEmail);
    const before = await deliveriesWritten();
    for (const role of ['accountant', 'service', 'bi-reader'] as const) {
      const res = await emailIt({ purchaseOrderId: po.id }, { role });
      expect(res.status, role).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await emailIt({ purchaseOrderId: po.id }, { token: null })).status).toBe(401);
    expect(await deliveriesWritten()).toEqual(before);
    const admin = await emailIt({ purchaseOrderId: po.id }, { role: 'admin' });
    expect(admin.status).toBe(202);
    expect(await deliveriesWritten()).toEqual([before[0]! + 1, before[1]! + 1]);
  });

  it('with emailOnIssue, sending the order e-mails it to the supplier once, however often the render is delivered', async () => {
    setProfile(true);
    const po = await sent(withEmail);
    expect((await render(po.event)).body).toEqual({ outcome: 'applied' });
    await h.db.pool.query(`delete from platform.processed_events where consumer = 'render-document' and event_id = $1`, [po.event.id]);
    expect((await render(po.event)).body).toEqual({ outcome: 'applied' });
    const auto = (await outbox('document_delivery_requested')).filter((e) => e.data.documentId === po.id);
    expect(auto).toHaveLength(1);
    expect(auto[0]!.data).toMatchObject({ kind: 'purchase_order', trigger: 'on_issue', recipient: 'orders@bohnen.example', supplierId: withEmail });
    expect((await render(auto[0])).status).toBe(200);
    const mails = mailsTo('orders@bohnen.example').filter((m) => m.subject?.includes(po.number));
    expect(mails).toHaveLength(1);

    const mute = await sent(withoutEmail);
    expect((await render(mute.event)).status).toBe(200);
    expect(await count('billing.document_deliveries where purchase_order_id = $1', [mute.id])).toBe(0);
  });
});

describe('document_delivery_requested version 1', () => {
  it('still parses: billing documents to a customer, no supplier', () => {
    const v1 = {
      deliveryId: 'd1',
      kind: 'invoice',
      documentId: 'i1',
      number: 'INV-2026-000001',
      invoiceId: 'i1',
      customerId: 'c1',
      recipient: 'a@b.example',
      trigger: 'manual',
    };
    expect(parseEventData('document_delivery_requested', 1, v1)).toEqual({ ...v1, supplierId: null });
  });
});
