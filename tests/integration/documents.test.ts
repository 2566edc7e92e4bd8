import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentPdf, embeddedCii, loadCreditNoteDocument, loadInvoiceDocument } from '../../shared/billing/documents.js';
import { renderPdf } from '../../shared/documents/render-pdf.js';
import { companyProfile } from '../../shared/documents/company.js';
import { formatMoney } from '../../shared/domain/money.js';
import { createHarness, type Harness } from '../support/harness.js';
import { startTestStorage, type TestStorage } from '../support/object-storage.js';

// Invoice and credit-note PDFs end to end on the real S3 protocol (s3rver): rendered by the
// render-document reaction, stored once under their number, read back through the query function,
// checked with poppler's pdftotext, and page 1 kept as a PNG under test-results/documents/ to look at.
const out = join(import.meta.dirname, '..', '..', 'test-results', 'documents');
const company = companyProfile.parse({
  name: 'Kaffeerösterei Łódź GmbH',
  address: ['Hauptstraße 5', '10115 Berlin', 'Germany'],
  vatId: 'DE123456789',
  email: 'billing@roesterei.example',
  bank: { name: 'Sparkasse Berlin', iban: 'DE02 1005 0000 0123 4567 89', bic: 'BELADEBEXXX' },
});

let h: Harness;
let storage: TestStorage;

beforeAll(async () => {
  storage = await startTestStorage();
  Object.assign(process.env, storage.env, { COMPANY_PROFILE: JSON.stringify(company) });
  // render-document is left out of settle(): the tests deliver its events themselves, storage up or down.
  h = await createHarness('docs');
  mkdirSync(out, { recursive: true });
});
afterAll(async () => {
  await h?.close();
  await storage?.remove();
});

const text = (pdf: Buffer) => execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');
const outboxEvents = async (type: string) =>
  (
    await h.db.pool.query<{ payload: { id: string; data: Record<string, unknown> } }>(
      `select payload from platform.outbox where payload->>'type' = $1 order by created_at, id`,
      [type],
    )
  ).rows.map((r) => r.payload);
const render = (event: unknown) => h.deliver('render-document', event);
/** How many invoices render-document's erpbi_document_render_seconds has timed. */
const invoicesRendered = async () => {
  const metrics = String((await h.get('render-document', '/metrics')).body);
  return Number(/^erpbi_document_render_seconds_count\{[^}]*kind="invoice"[^}]*\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
};

async function invoicedOrder(customer: string, lines: { sku: string; name: string; unitPrice: number; taxRateBp: number; quantity: number }[]) {
  for (const l of lines) {
    expect(
      (await h.post('upsert-product', { sku: l.sku, name: l.name, unitPrice: l.unitPrice, currency: 'EUR', taxRateBp: l.taxRateBp }, { role: 'admin' })).status,
    ).toBe(200);
    expect((await h.post('receive-stock', { sku: l.sku, quantity: 100 }, { role: 'clerk' })).status).toBe(200);
  }
  const buyer = await h.post('upsert-customer', { name: customer, email: 'einkauf@example.com', paymentTermsDays: 14 }, { role: 'clerk' });
  const order = await h.post('create-order', { customerId: buyer.body.id, lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) }, { role: 'clerk' });
  expect(order.status).toBe(201);
  await h.settle();
  const invoice = (await h.get('query', `/invoices?orderId=${order.body.id}`, { role: 'accountant' })).body.items[0];
  expect(invoice?.number).toMatch(/^INV-/);
  const event = (await outboxEvents('invoice_created')).find((e) => e.data.invoiceId === invoice.id)!;
  return { order: order.body, invoice, event };
}

describe('invoice and credit-note PDFs in object storage', () => {
  it('renders an issued invoice once under its number, with seller, buyer, every line, tax by rate and the total', async () => {
    const lines = [
      { sku: 'BEAN-1KG', name: 'Espresso beans 1 kg', unitPrice: 2490, taxRateBp: 700, quantity: 3 },
      { sku: 'GRIND-X', name: 'Hand grinder “Zürich”', unitPrice: 8900, taxRateBp: 1900, quantity: 1 },
      { sku: 'MUG-2', name: 'Mug, stoneware', unitPrice: 1250, taxRateBp: 1900, quantity: 4 },
    ];
    const { invoice, event } = await invoicedOrder('Müller & Søn GmbH', lines);

    const rendered = await invoicesRendered();
    expect((await render(event)).body).toEqual({ outcome: 'applied' });
    // The render is timed on render-document's /metrics, by kind (the bench reads it by this name).
    expect(await invoicesRendered()).toBe(rendered + 1);
    expect(await storage.keys('invoices/')).toEqual([`invoices/${invoice.number}.pdf`]);

    const res = await h.get('query', `/invoices/${invoice.id}/pdf`, { role: 'clerk' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.raw.subarray(0, 5).toString()).toBe('%PDF-');
    writeFileSync(join(out, 'invoice.pdf'), res.raw);
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', join(out, 'invoice.pdf'), join(out, 'invoice-page1')]);

    const t = text(res.raw);
    const eur = (minor: number) => formatMoney(minor, 'EUR', 'en-GB');
    for (const expected of [
      invoice.number,
      'Müller & Søn GmbH',
      'einkauf@example.com',
      company.name,
      'DE123456789',
      'DE02 1005 0000 0123 4567 89',
      '14 days net',
      eur(invoice.total),
    ]) {
      expect(t).toContain(expected);
    }
    for (const l of lines) {
      expect(t).toContain(l.sku);
      expect(t).toContain(l.name);
      expect(t).toContain(eur(l.unitPrice * l.quantity));
    }
    // Tax by rate: 7 % on 74.70 and 19 % on 89.00 + 50.00 = 139.00.
    expect(t).toMatch(/Tax 19 % on €139\.00\s+€26\.41/);
    expect(t).toMatch(/Tax 7 % on €74\.70\s+€5\.23/);
    expect(invoice.total).toBe(7470 + 13900 + 523 + 2641);

    // Deterministic: rendering the same invoice again gives the stored bytes exactly.
    const doc = (await loadInvoiceDocument(h.db.pool, invoice.id))!;
    const again = await documentPdf(doc, embeddedCii(doc));
    expect(Buffer.compare(again, res.raw)).toBe(0);
    // A redelivered event changes nothing.
    expect((await render(event)).body).toEqual({ outcome: 'duplicate' });
  });

  it('prints the buyer as issued, even when the customer is renamed before the PDF is rendered', async () => {
    const { invoice, event } = await invoicedOrder('Old Name GmbH', [{ sku: 'REN-1', name: 'Thing', unitPrice: 100, taxRateBp: 1900, quantity: 1 }]);
    const renamed = await h.post(
      'upsert-customer',
      { id: invoice.customerId, name: 'New Name AG', email: 'new@example.com', paymentTermsDays: 14 },
      { role: 'clerk' },
    );
    expect(renamed.status).toBe(200);
    expect((await render(event)).body).toEqual({ outcome: 'applied' });
    const t = text((await h.get('query', `/invoices/${invoice.id}/pdf`, { role: 'clerk' })).raw);
    expect(t).toContain('Old Name GmbH');
    expect(t).toContain('einkauf@example.com');
    expect(t).not.toContain('New Name AG');
  });

  it('renders a credit note naming the invoice it credits when the order is cancelled', async () => {
    const { order, invoice, event } = await invoicedOrder('Acme Ltd', [{ sku: 'CUP-1', name: 'Cup', unitPrice: 500, taxRateBp: 1900, quantity: 2 }]);
    expect((await render(event)).status).toBe(200);
    expect((await h.post('cancel-order', { id: order.id }, { role: 'clerk' })).status).toBe(200);
    await h.settle();
    const credit = (await outboxEvents('credit_note_issued')).find((e) => e.data.invoiceId === invoice.id)!;
    expect((await render(credit)).body).toEqual({ outcome: 'applied' });

    const noteId = String(credit.data.creditNoteId);
    const res = await h.get('query', `/credit-notes/${noteId}/pdf`, { role: 'accountant' });
    expect(res.status).toBe(200);
    writeFileSync(join(out, 'credit-note.pdf'), res.raw);
    const t = text(res.raw);
    expect(t).toContain('CREDIT NOTE');
    expect(t).toContain(String(credit.data.number));
    expect(t).toContain(`${invoice.number} of`);
    expect(t).toContain('Total credited');
    expect(t).toContain(formatMoney(invoice.total, 'EUR', 'en-GB'));
    const doc = await loadCreditNoteDocument(h.db.pool, noteId);
    expect(doc).toMatchObject({ kind: 'credit_note', credits: { number: invoice.number }, total: invoice.total });
    expect(await storage.keys('credit-notes/')).toEqual([`credit-notes/${credit.data.number}.pdf`]);
  });

  it('lays a long invoice out over pages: the table header on each, every line once, page numbers', async () => {
    const long = 'A product whose name is long enough to wrap over several lines of its column in the table '.repeat(3);
    const lines = Array.from({ length: 45 }, (_, i) => ({
      sku: `LONG-${String(i).padStart(2, '0')}`,
      name: i % 4 === 0 ? `${long}${i}` : `Item ${i}`,
      quantity: 1,
      unitPrice: 100,
      taxRateBp: 1900,
      net: 100,
      tax: 19,
      vatCategory: 'S' as const,
    }));
    const doc = {
      kind: 'invoice' as const,
      number: 'INV-2026-999999',
      issueDate: '2026-11-30',
      dueDate: '2026-12-14',
      paymentTermsDays: 14,
      currency: 'EUR',
      seller: { name: company.name },
      buyer: { id: 'b', name: 'Buyer' },
      orderId: 'o',
      lines,
      subtotal: 4500,
      tax: 855,
      total: 5355,
      amountDue: 5355,
      notes: [],
    };
    const pdf = await renderPdf(doc);
    writeFileSync(join(out, 'long-invoice.pdf'), pdf);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', ['-'], { input: pdf }).toString())![1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    const all = text(pdf);
    for (const l of lines) expect(all.split(l.sku).length - 1, l.sku).toBe(1);
    for (let p = 1; p <= pages; p++) {
      const page = execFileSync('pdftotext', ['-layout', '-f', String(p), '-l', String(p), '-', '-'], { input: pdf }).toString();
      // The page starts with the table's header, then a whole row (never the rest of one begun on the page before).
      const [first, second] = page.split('\n').filter((l) => l.trim() !== '');
      if (p === 1) expect(page).toMatch(/SKU\s+Description\s+Qty/);
      else {
        expect(first, `page ${p}`).toMatch(/^SKU\s+Description\s+Qty/);
        expect(second, `page ${p}`).toMatch(/^LONG-\d\d\s/);
      }
      expect(page).toContain(`page ${p} of ${pages}`);
    }
  });

  it('answers 404 for an unknown invoice, 401 without a token, and 403 for the service role', async () => {
    const unknown = await h.get('query', '/invoices/no-such-invoice/pdf', { role: 'clerk' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    expect((await h.get('query', '/invoices/x/pdf', { token: null })).status).toBe(401);
    expect((await h.get('query', '/invoices/x/pdf', { role: 'service' })).status).toBe(403);
    expect((await h.get('query', '/invoices/bad%20id/pdf', { role: 'clerk' })).status).toBe(400);
  });

  it('storage down: the invoice is issued all the same, rendering fails with 503 until storage is back, then catches up; nothing stored is lost', async () => {
    await storage.stop();
    const { invoice, event } = await invoicedOrder('Storage Outage AG', [{ sku: 'OUT-1', name: 'Filter papers', unitPrice: 390, taxRateBp: 700, quantity: 5 }]);
    expect(invoice).toMatchObject({ status: 'open', total: 1950 + 137 });

    const refused = await render(event);
    expect(refused.status).toBe(503); // the connector retries a 503 (stack.yml gives render-document about a day of retries)
    expect(refused.body.error.code).toBe('not_ready');
    const pending = await h.get('query', `/invoices/${invoice.id}/pdf`, { role: 'clerk' });
    expect(pending.status).toBe(503);
    expect(pending.headers['retry-after']).toBe('30');
    expect(
      (await h.db.pool.query('select count(*)::int as n from platform.processed_events where consumer = $1 and event_id = $2', ['render-document', event.id]))
        .rows[0].n,
    ).toBe(0);

    await storage.start();
    expect((await render(event)).body).toEqual({ outcome: 'applied' });
    const back = await h.get('query', `/invoices/${invoice.id}/pdf`, { role: 'clerk' });
    expect(back.status).toBe(200);
    expect(back.headers['retry-after']).toBeUndefined();
    expect(text(back.raw)).toContain(invoice.number);
    // The documents stored before the outage are still there (s3rver keeps them as files).
    expect((await storage.keys('invoices/')).length).toBeGreaterThanOrEqual(4);
    expect((await storage.keys('credit-notes/')).length).toBe(1);
  });
});

// Last in this file: it stores a company profile, which every invoice issued after it carries.
describe('documents with both parties as issued (issue 19)', () => {
  it('prints buyer and seller addresses, VAT ids and tax registration, the reverse charge row and note, and keeps them after edits', async () => {
    const seller = {
      name: 'Rösterei Nord GmbH',
      address: { lines: ['Speicherstadt 7'], postalCode: '20457', city: 'Hamburg', country: 'DE' },
      vatId: 'DE136695976',
      taxRegistration: '43/123/45678',
      bank: { name: 'Commerzbank', iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX' },
    };
    expect((await h.call('upsert-customer', '/company', { role: 'admin', body: seller })).status).toBe(200);
    expect(
      (await h.post('upsert-product', { sku: 'RC-1', name: 'Roaster part', unitPrice: 10000, currency: 'EUR', taxRateBp: 1900 }, { role: 'admin' })).status,
    ).toBe(200);
    expect((await h.post('receive-stock', { sku: 'RC-1', quantity: 10 }, { role: 'clerk' })).status).toBe(200);
    const buyer = {
      id: 'cafe-fr',
      name: 'Café Lumière SARL',
      paymentTermsDays: 30,
      address: { lines: ['12 Rue de Rivoli'], postalCode: '75001', city: 'Paris', country: 'FR' },
      vatId: 'FR40303265045',
    };
    expect((await h.post('upsert-customer', buyer, { role: 'clerk' })).status).toBe(200);
    const order = await h.post('create-order', { customerId: 'cafe-fr', lines: [{ sku: 'RC-1', quantity: 2 }] }, { role: 'clerk' });
    expect(order.body).toMatchObject({ subtotal: 20000, tax: 0, total: 20000 });
    await h.settle();
    const invoice = (await h.get('query', `/invoices?orderId=${order.body.id}`, { role: 'accountant' })).body.items[0];
    const event = (await outboxEvents('invoice_created')).find((e) => e.data.invoiceId === invoice.id)!;
    expect((await render(event)).body).toEqual({ outcome: 'applied' });
    const stored = (await h.get('query', `/invoices/${invoice.id}/pdf`, { role: 'clerk' })).raw;
    writeFileSync(join(out, 'invoice-reverse-charge.pdf'), stored);

    const t = text(stored);
    for (const expected of [
      'Rösterei Nord GmbH',
      'Speicherstadt 7',
      '20457 Hamburg',
      'VAT ID DE136695976',
      'Tax registration 43/123/45678',
      'DE89370400440532013000',
      'Café Lumière SARL',
      '12 Rue de Rivoli',
      '75001 Paris',
      'France',
      'VAT ID FR40303265045',
      'VAT reverse charge: the buyer accounts for the VAT',
    ]) {
      expect(t).toContain(expected);
    }
    expect(t).toMatch(/Reverse charge \(AE\) 0 % on €200\.00\s+€0\.00/);

    // Edited after issue: the invoice's document is rendered from its snapshots, byte for byte the same.
    await h.post(
      'upsert-customer',
      { ...buyer, name: 'Lumière Holding SA', address: { ...buyer.address, city: 'Lyon', postalCode: '69001' } },
      { role: 'clerk' },
    );
    await h.call('upsert-customer', '/company', { role: 'admin', body: { ...seller, name: 'Rösterei Süd AG', taxRegistration: '99/999/99999' } });
    const reloaded = (await loadInvoiceDocument(h.db.pool, invoice.id))!;
    const again = await documentPdf(reloaded, embeddedCii(reloaded));
    expect(Buffer.compare(again, stored)).toBe(0);
  });
});
