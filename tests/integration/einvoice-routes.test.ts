import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCreditNoteDocument, loadInvoiceDocument } from '../../shared/billing/documents.js';
import { einvoiceFile } from '../../shared/einvoice/attachment.js';
import { missingForEInvoice } from '../../shared/einvoice/core.js';
import { createHarness, type Harness } from '../support/harness.js';
import { startTestStorage, type TestStorage } from '../support/object-storage.js';
import { compileTimeout, fatal, loadRules } from '../support/en16931.js';
import { exampleCreditNote, exampleInvoice } from '../support/billing-documents.js';

// GET /function/query/invoices/<id>/einvoice and /credit-notes/<id>/einvoice?format=ubl|cii on the real
// Postgres, from invoices the order flow issued, and the Factur-X PDFs render-document stores for them
// (real S3 protocol). A document whose buyer has no address is refused with 422 naming the field.
const company = { name: 'Kaffeerösterei GmbH', address: ['Hauptstraße 5', '10115 Berlin'], vatId: 'DE123456789', email: 'billing@roesterei.example' };

let h: Harness;
let storage: TestStorage;
const dir = mkdtempSync(join(tmpdir(), 'erpbi-einvoice-'));
beforeAll(async () => {
  storage = await startTestStorage();
  Object.assign(process.env, storage.env, { COMPANY_PROFILE: JSON.stringify(company) });
  h = await createHarness('einvoice');
});
beforeAll(loadRules, compileTimeout);
afterAll(async () => {
  await h?.close();
  await storage?.remove();
  rmSync(dir, { recursive: true, force: true });
});

/** The factur-x.xml a PDF embeds (poppler's pdfdetach), or undefined when it embeds none. */
function embedded(pdf: Buffer): string | undefined {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  if (!execFileSync('pdfdetach', ['-list', file]).toString().includes('factur-x.xml')) return undefined;
  execFileSync('pdfdetach', ['-savefile', 'factur-x.xml', '-o', `${file}.xml`, file]);
  return readFileSync(`${file}.xml`, 'utf8');
}

async function outboxEvents(type: string) {
  const { rows } = await h.db.pool.query<{ payload: { data: Record<string, unknown> } }>(
    `select payload from platform.outbox where payload->>'type' = $1 order by created_at, id`,
    [type],
  );
  return rows.map((r) => r.payload);
}

async function issuedInvoice(sku: string) {
  expect((await h.post('upsert-product', { sku, name: 'Mug', unitPrice: 1250, currency: 'EUR', taxRateBp: 1900 }, { role: 'admin' })).status).toBe(200);
  expect((await h.post('receive-stock', { sku, quantity: 10 }, { role: 'clerk' })).status).toBe(200);
  const buyer = await h.post('upsert-customer', { name: 'Acme Ltd', email: 'ap@acme.example', paymentTermsDays: 30 }, { role: 'clerk' });
  const order = await h.post('create-order', { customerId: buyer.body.id, lines: [{ sku, quantity: 2 }] }, { role: 'clerk' });
  expect(order.status).toBe(201);
  await h.settle();
  const invoice = (await h.get('query', `/invoices?orderId=${order.body.id}`, { role: 'accountant' })).body.items[0];
  expect(invoice?.number).toMatch(/^INV-/);
  return { order: order.body, invoice };
}

describe('e-invoice routes', () => {
  it('refuses an invoice whose buyer has no postal address: 422 einvoice_incomplete naming the field, in both formats; its PDF stays plain', async () => {
    const { invoice } = await issuedInvoice('EINV-1');
    const doc = (await loadInvoiceDocument(h.db.pool, invoice.id))!;
    const missing = missingForEInvoice(doc);
    expect(missing).toEqual(['buyer.address']);
    for (const format of ['ubl', 'cii']) {
      const res = await h.get('query', `/invoices/${invoice.id}/einvoice?format=${format}`, { role: 'accountant' });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'einvoice_incomplete', details: { missing } });
      expect(res.body.error.message).toContain(invoice.number);
      expect(res.body.error.message).toContain('buyer.address');
    }
    const event = (await outboxEvents('invoice_created')).find((e) => e.data.invoiceId === invoice.id)!;
    expect((await h.deliver('render-document', event)).body).toEqual({ outcome: 'applied' });
    const pdf = await h.get('query', `/invoices/${invoice.id}/pdf`, { role: 'accountant' });
    expect(pdf.status).toBe(200);
    expect(embedded(pdf.raw)).toBeUndefined();
  });

  it("the flow's invoices and credit notes (domestic, reverse charge, export; cancelled and returned) pass the official EN 16931 rules as UBL, as CII, and embedded in the stored Factur-X PDF", async () => {
    // The seller as an admin saves it; then one buyer per VAT regime (shared/domain/vat-category.ts).
    const seller = {
      name: 'Kaffeerösterei Nord GmbH',
      address: { lines: ['Speicherstadt 7'], postalCode: '20457', city: 'Hamburg', country: 'DE' },
      vatId: 'DE136695976',
      email: 'billing@roesterei.example',
      bank: { name: 'Hamburger Sparkasse', iban: 'DE89 3704 0044 0532 0130 00' },
    };
    expect((await h.call('upsert-customer', '/company', { role: 'admin', body: seller })).status).toBe(200);
    const buyers = [
      { name: 'Café Alster', address: { lines: ['Jungfernstieg 1'], postalCode: '20354', city: 'Hamburg', country: 'DE' } },
      { name: 'Brûlerie de Rivoli SARL', address: { lines: ['12 Rue de Rivoli'], postalCode: '75001', city: 'Paris', country: 'FR' }, vatId: 'FR40303265045' },
      { name: 'Brooklyn Roasting Inc.', address: { lines: ['25 Jay St'], postalCode: '11201', city: 'Brooklyn', country: 'US' } },
    ];
    const products = [
      { sku: 'FLOW-BEANS', name: 'Espresso beans 1 kg', unitPrice: 2490, currency: 'EUR', taxRateBp: 700 },
      { sku: 'FLOW-MUG', name: 'Mug, stoneware', unitPrice: 1250, currency: 'EUR', taxRateBp: 1900 },
    ];
    for (const p of products) {
      expect((await h.post('upsert-product', p, { role: 'admin' })).status).toBe(200);
      expect((await h.post('receive-stock', { sku: p.sku, quantity: 100 }, { role: 'clerk' })).status).toBe(200);
    }
    const documents: { kind: 'invoices' | 'credit-notes'; id: string; number: string; event: unknown }[] = [];
    const categories = new Set<string>();
    for (const [i, b] of buyers.entries()) {
      const customer = await h.post('upsert-customer', { ...b, email: `ap${i}@buyer.example`, paymentTermsDays: 14 }, { role: 'clerk' });
      expect(customer.status).toBe(200);
      const order = await h.post(
        'create-order',
        {
          customerId: customer.body.id,
          lines: [
            { sku: 'FLOW-BEANS', quantity: 3 },
            { sku: 'FLOW-MUG', quantity: 2 },
          ],
        },
        { role: 'clerk' },
      );
      expect(order.status).toBe(201);
      await h.settle();
      const invoice = (await h.get('query', `/invoices?orderId=${order.body.id}`, { role: 'accountant' })).body.items[0];
      const event = (await outboxEvents('invoice_created')).find((e) => e.data.invoiceId === invoice.id)!;
      documents.push({ kind: 'invoices', id: invoice.id, number: invoice.number, event });
      for (const l of (await loadInvoiceDocument(h.db.pool, invoice.id))!.lines) categories.add(l.vatCategory);
      if (i === 0) {
        // Cancelled: a full credit note.
        expect((await h.post('cancel-order', { id: order.body.id }, { role: 'clerk' })).status).toBe(200);
      } else if (i === 1) {
        // Paid, shipped, one mug back: a partial credit note for exactly that.
        expect(
          (await h.post('record-payment', { invoiceId: invoice.id, amount: invoice.balance, method: 'bank_transfer' }, { role: 'accountant' })).status,
        ).toBe(201);
        await h.settle();
        expect((await h.post('fulfil-order', { id: order.body.id }, { role: 'clerk' })).status).toBe(200);
        const back = await h.call('fulfil-order', '/return', {
          role: 'clerk',
          body: { orderId: order.body.id, lines: [{ lineNo: 2, quantity: 1, reason: 'chipped', disposition: 'scrap' }] },
        });
        expect(back.status).toBe(201);
        expect((await h.call('record-payment', '/credit-note', { role: 'accountant', body: { returnId: back.body.id } })).status).toBe(201);
      }
      await h.settle();
    }
    for (const e of await outboxEvents('credit_note_issued')) {
      const noteId = String(e.data.creditNoteId);
      const note = (await loadCreditNoteDocument(h.db.pool, noteId))!;
      if (!documents.some((d) => d.number === note.credits?.number)) continue;
      documents.push({ kind: 'credit-notes', id: noteId, number: note.number, event: e });
    }
    expect(categories).toEqual(new Set(['S', 'AE', 'G']));
    expect(documents.map((d) => d.kind)).toEqual(['invoices', 'invoices', 'invoices', 'credit-notes', 'credit-notes']);

    for (const d of documents) {
      for (const format of ['ubl', 'cii'] as const) {
        const res = await h.get('query', `/${d.kind}/${d.id}/einvoice?format=${format}`, { role: 'accountant' });
        expect(res.status, `${d.number} ${format}`).toBe(200);
        expect(res.headers['content-type']).toMatch(/^application\/xml/);
        expect(res.headers['content-disposition']).toBe(`attachment; filename="${d.number}-${format}.xml"`);
        expect(await fatal(format, res.raw.toString('utf8')), `${d.number} ${format}`).toEqual([]);
      }
      expect((await h.deliver('render-document', d.event)).body).toEqual({ outcome: 'applied' });
      const pdf = await h.get('query', `/${d.kind}/${d.id}/pdf`, { role: 'accountant' });
      expect(pdf.status).toBe(200);
      const xml = embedded(pdf.raw);
      expect(xml, `${d.number}: factur-x.xml in the stored PDF`).toContain(d.number);
      expect(await fatal('cii', xml!), `${d.number} factur-x.xml`).toEqual([]);
    }
  });

  it('answers 400 for a bad or missing format, 404 for an unknown id, 401 without a token, 403 for the service role', async () => {
    const { invoice } = await issuedInvoice('EINV-2');
    for (const query of ['?format=pdf', '', '?format=ubl&extra=1']) {
      const res = await h.get('query', `/invoices/${invoice.id}/einvoice${query}`, { role: 'clerk' });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await h.get('query', `/invoices/${invoice.id}/einvoice?format=pdf`, { role: 'clerk' })).body.error.details).toEqual([
      expect.objectContaining({ path: 'format' }),
    ]);
    for (const path of ['/invoices/no-such-invoice/einvoice?format=ubl', '/credit-notes/no-such-note/einvoice?format=cii']) {
      const res = await h.get('query', path, { role: 'accountant' });
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await h.get('query', `/invoices/${invoice.id}/einvoice?format=ubl`, { token: null })).status).toBe(401);
    expect((await h.get('query', `/invoices/${invoice.id}/einvoice?format=ubl`, { role: 'service' })).status).toBe(403);
    expect((await h.get('query', `/credit-notes/x/einvoice?format=ubl`, { role: 'service' })).status).toBe(403);
  });

  it('names the attachment after the number and syntax, and what it answers passes the EN 16931 rules (a complete document)', async () => {
    for (const doc of [exampleInvoice(), exampleCreditNote()]) {
      for (const format of ['ubl', 'cii'] as const) {
        const { filename, xml } = einvoiceFile(doc, format);
        expect(filename).toBe(`${doc.number}-${format}.xml`);
        expect(await fatal(format, xml)).toEqual([]);
      }
    }
  });
});
