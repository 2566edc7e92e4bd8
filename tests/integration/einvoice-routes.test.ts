import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCreditNoteDocument, loadInvoiceDocument } from '../../shared/billing/documents.js';
import { einvoiceFile } from '../../shared/einvoice/attachment.js';
import { missingForEInvoice } from '../../shared/einvoice/core.js';
import { createHarness, type Harness } from '../support/harness.js';
import { compileTimeout, fatal, loadRules } from '../support/en16931.js';
import { exampleCreditNote, exampleInvoice } from '../support/billing-documents.js';

// GET /function/query/invoices/<id>/einvoice and /credit-notes/<id>/einvoice?format=ubl|cii on the real
// Postgres, from invoices the order flow issued. Invoices issued before addresses were kept (and, until
// the company profile holds a postal address, every one) are refused with 422 naming the missing fields.
const company = { name: 'Kaffeerösterei GmbH', address: ['Hauptstraße 5', '10115 Berlin'], vatId: 'DE123456789', email: 'billing@roesterei.example' };

let h: Harness;
beforeAll(async () => {
  process.env.COMPANY_PROFILE = JSON.stringify(company);
  h = await createHarness('einvoice');
});
beforeAll(loadRules, compileTimeout);
afterAll(async () => {
  await h?.close();
});

async function outboxEvents(type: string) {
  const { rows } = await h.db.pool.query<{ payload: { data: Record<string, unknown> } }>(`select payload from platform.outbox where payload->>'type' = $1 order by created_at, id`, [type]);
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
  it('refuses an invoice and its credit note whose parties lack addresses: 422 einvoice_incomplete naming the fields, in both formats', async () => {
    const { order, invoice } = await issuedInvoice('EINV-1');
    const doc = (await loadInvoiceDocument(h.db.pool, invoice.id))!;
    const missing = missingForEInvoice(doc);
    expect(missing).toEqual(expect.arrayContaining(['seller.address', 'buyer.address']));
    for (const format of ['ubl', 'cii']) {
      const res = await h.get('query', `/invoices/${invoice.id}/einvoice?format=${format}`, { role: 'accountant' });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'einvoice_incomplete', details: { missing } });
      expect(res.body.error.message).toContain(invoice.number);
      expect(res.body.error.message).toContain('seller.address');
    }

    expect((await h.post('cancel-order', { id: order.id }, { role: 'clerk' })).status).toBe(200);
    await h.settle();
    const credit = (await outboxEvents('credit_note_issued')).find((e) => e.data.invoiceId === invoice.id)!;
    const noteId = String(credit.data.creditNoteId);
    const note = (await loadCreditNoteDocument(h.db.pool, noteId))!;
    const res = await h.get('query', `/credit-notes/${noteId}/einvoice?format=cii`, { role: 'clerk' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'einvoice_incomplete', details: { missing: missingForEInvoice(note) } });
    expect(res.body.error.details.missing).toEqual(expect.arrayContaining(['seller.address', 'buyer.address']));
  });

  it('answers 400 for a bad or missing format, 404 for an unknown id, 401 without a token, 403 for the service role', async () => {
    const { invoice } = await issuedInvoice('EINV-2');
    for (const query of ['?format=pdf', '', '?format=ubl&extra=1']) {
      const res = await h.get('query', `/invoices/${invoice.id}/einvoice${query}`, { role: 'clerk' });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await h.get('query', `/invoices/${invoice.id}/einvoice?format=pdf`, { role: 'clerk' })).body.error.details).toEqual([expect.objectContaining({ path: 'format' })]);
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
