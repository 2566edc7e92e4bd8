import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInvoiceDocument } from '../../shared/billing/documents.js';
import { einvoiceFile } from '../../shared/einvoice/attachment.js';
import { reverseChargeNote } from '../../shared/domain/vat-category.js';
import { createHarness, type Harness } from '../support/harness.js';
import { counts, seed } from '../support/fixtures.js';
import { compileTimeout, fatal, loadRules } from '../support/en16931.js';

// Issue 19, parties and VAT categories, against the real Postgres and JetStream: customers with an
// address and VAT id (whole or refused), the company profile (the seller) on its admin command, both
// frozen on the invoice as issued, and the VAT category each line gets from seller and buyer.

// The configured profile of an install from before the company_profile table, in its first-release form.
const legacyProfile = { name: 'Old Config GmbH', address: ['Altstraße 1', '20095 Hamburg'], vatId: 'DE136695976' };

let h: Harness;
beforeAll(async () => {
  process.env.COMPANY_PROFILE = JSON.stringify(legacyProfile);
  h = await createHarness('parties');
});
afterAll(async () => h?.close());

const seller = {
  name: 'Kaffeerösterei Łódź GmbH',
  address: { lines: ['Hauptstraße 5', 'Hinterhaus'], postalCode: '10115', city: 'Berlin', country: 'de' },
  vatId: 'DE 136 695 976',
  taxRegistration: '30/123/45678',
  email: 'billing@roesterei.example',
  phone: '+49 30 1234567',
  bank: { name: 'Commerzbank', iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX' },
};
const paris = { lines: ['12 Rue de Rivoli'], postalCode: '75001', city: 'Paris', country: 'FR' };
const customerCount = async () => (await h.db.pool.query<{ n: number }>('select count(*)::int as n from orders.customers')).rows[0]!.n;

async function invoiceOf(orderId: string) {
  await h.settle();
  const list = await h.get('query', `/invoices?orderId=${orderId}`, { role: 'accountant' });
  expect(list.body.items).toHaveLength(1);
  return (await h.get('query', `/invoices/${list.body.items[0].id}`, { role: 'accountant' })).body;
}

describe('customers with what an invoice needs', () => {
  it('keeps address, VAT id, language and currency, normalised, and says nothing is missing', async () => {
    const res = await h.post(
      'upsert-customer',
      {
        id: 'fr-biz',
        name: 'Café de Paris SARL',
        paymentTermsDays: 30,
        address: { ...paris, country: 'fr' },
        vatId: 'fr 40 303 265 045',
        language: 'FR',
        currency: 'EUR',
      },
      { role: 'clerk' },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ address: paris, vatId: 'FR40303265045', language: 'fr', currency: 'EUR', missingForEInvoice: [] });
    const read = await h.get('query', '/customers/fr-biz', { role: 'clerk' });
    expect(read.body).toMatchObject({ address: paris, vatId: 'FR40303265045', language: 'fr', currency: 'EUR', missingForEInvoice: [] });
    const list = await h.get('query', '/customers?q=fr-biz', { role: 'clerk' });
    expect(list.body.items[0]).toMatchObject({ vatId: 'FR40303265045', missingForEInvoice: [] });
  });

  it('takes a customer with a name only (B2C) and names what an e-invoice would lack', async () => {
    const res = await h.post('upsert-customer', { id: 'walk-in', name: 'Walk-in', paymentTermsDays: 0 }, { role: 'clerk' });
    expect(res.status).toBe(200);
    const fields = ['address.lines', 'address.postalCode', 'address.city', 'address.country'];
    expect(res.body.missingForEInvoice).toEqual(fields);
    expect((await h.get('query', '/customers/walk-in', { role: 'clerk' })).body).toMatchObject({ address: null, vatId: null, missingForEInvoice: fields });
  });

  it('refuses a partial address, a bad country or a VAT id with a wrong check digit, naming the field, and writes nothing', async () => {
    const before = await customerCount();
    const cases: [object, string][] = [
      [{ address: { lines: ['1 Main St'], postalCode: '75001', country: 'FR' } }, 'address.city'],
      [{ address: { ...paris, country: 'XX' } }, 'address.country'],
      [{ vatId: 'FR40303265046' }, 'vatId'],
      [{ language: 'french' }, 'language'],
    ];
    for (const [extra, path] of cases) {
      const res = await h.post('upsert-customer', { id: 'half', name: 'Half Written', paymentTermsDays: 30, ...extra }, { role: 'clerk' });
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    // An existing customer is not half-changed either.
    const bad = await h.post(
      'upsert-customer',
      { id: 'fr-biz', name: 'Renamed', paymentTermsDays: 30, address: { ...paris, postalCode: '' } },
      { role: 'clerk' },
    );
    expect(bad.status).toBe(400);
    expect(await customerCount()).toBe(before);
    expect((await h.get('query', '/customers/half', { role: 'clerk' })).status).toBe(404);
    expect((await h.get('query', '/customers/fr-biz', { role: 'clerk' })).body.name).toBe('Café de Paris SARL');
  });
});

describe('the company profile and the parties frozen on invoices', () => {
  it('prints the configured profile on invoices issued while none is stored (an install from before)', async () => {
    const { sku, customerId } = await seed(h, { taxRateBp: 2000 });
    const order = await h.post('create-order', { customerId, lines: [{ sku, quantity: 1 }] }, { role: 'clerk' });
    const invoice = await invoiceOf(order.body.id);
    expect(invoice.seller).toBeNull();
    expect(invoice.lines[0]).toMatchObject({ vatCategory: 'S', taxRateBp: 2000 });
    const doc = (await loadInvoiceDocument(h.db.pool, invoice.id))!;
    expect(doc.seller).toMatchObject({ name: 'Old Config GmbH', address: { lines: ['Altstraße 1'], postalCode: '20095', city: 'Hamburg', country: 'DE' } });
    expect((await h.get('query', '/company', { role: 'clerk' })).body).toEqual({ profile: null, updatedAt: null, updatedBy: null });
  });

  it('is an admin command, checked whole', async () => {
    const clerk = await h.call('upsert-customer', '/company', { role: 'clerk', body: seller });
    expect(clerk.status).toBe(403);
    const badIban = await h.call('upsert-customer', '/company', { role: 'admin', body: { ...seller, bank: { iban: 'DE89 3704 0044 0532 0130 01' } } });
    expect(badIban.status).toBe(400);
    expect(badIban.body.error.details.map((d: { path: string }) => d.path)).toEqual(['bank.iban']);
    expect((await h.db.pool.query('select 1 from billing.company_profile')).rowCount).toBe(0);

    const saved = await h.call('upsert-customer', '/company', { role: 'admin', body: seller });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ vatId: 'DE136695976', address: { country: 'DE' }, bank: { iban: 'DE89370400440532013000' }, emailOnIssue: false });
    const read = await h.get('query', '/company', { role: 'accountant' });
    expect(read.body.profile).toMatchObject({ name: seller.name, taxRegistration: '30/123/45678' });
    expect(typeof read.body.updatedBy).toBe('string');
    const events = await h.db.pool.query(`select 1 from platform.outbox where payload->>'type' = 'company_profile_updated'`);
    expect(events.rowCount).toBe(1);
  });

  it('reverse-charges a French business customer of a German seller: AE at 0 tax, with the note', async () => {
    const { sku } = await seed(h, { unitPrice: 1000, taxRateBp: 1900 });
    const order = await h.post('create-order', { customerId: 'fr-biz', lines: [{ sku, quantity: 3 }] }, { role: 'clerk' });
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ subtotal: 3000, tax: 0, total: 3000 });
    const read = await h.get('query', `/orders/${order.body.id}`, { role: 'clerk' });
    expect(read.body.lines[0]).toMatchObject({ vatCategory: 'AE', taxRateBp: 0, tax: 0, exemptionReason: 'Reverse charge' });

    const invoice = await invoiceOf(order.body.id);
    expect(invoice).toMatchObject({ total: 3000, tax: 0, notes: [reverseChargeNote] });
    expect(invoice.lines[0]).toMatchObject({ vatCategory: 'AE', exemptionReason: 'Reverse charge' });
    expect(invoice.buyer).toMatchObject({ id: 'fr-biz', name: 'Café de Paris SARL', address: paris, vatId: 'FR40303265045' });
    expect(invoice.seller).toMatchObject({
      name: seller.name,
      vatId: 'DE136695976',
      taxRegistration: '30/123/45678',
      address: { city: 'Berlin', country: 'DE' },
    });
    const doc = (await loadInvoiceDocument(h.db.pool, invoice.id))!;
    expect(doc.notes).toEqual([reverseChargeNote]);
    expect(doc.buyer).toMatchObject({ address: paris, vatId: 'FR40303265045' });

    // Edits after issue change no issued document: neither the buyer's nor the seller's.
    await h.post(
      'upsert-customer',
      { id: 'fr-biz', name: 'Renamed SAS', paymentTermsDays: 30, address: { ...paris, city: 'Lyon', postalCode: '69001' }, vatId: 'BE0411905847' },
      { role: 'clerk' },
    );
    await h.call('upsert-customer', '/company', {
      role: 'admin',
      body: { ...seller, name: 'New Name AG', address: { ...seller.address, city: 'München', postalCode: '80331' } },
    });
    const again = (await loadInvoiceDocument(h.db.pool, invoice.id))!;
    expect(again.buyer).toEqual(doc.buyer);
    expect(again.seller).toEqual(doc.seller);
    expect((await h.get('query', `/invoices/${invoice.id}`, { role: 'accountant' })).body).toMatchObject({ buyer: invoice.buyer, seller: invoice.seller });
  });

  it('exports to a US customer (G at 0) and charges a German consumer the standard rate', async () => {
    const { sku } = await seed(h, { unitPrice: 1000, taxRateBp: 1900 });
    const us = await h.post(
      'upsert-customer',
      { name: 'Brooklyn Beans Inc.', paymentTermsDays: 30, address: { lines: ['1 Main St'], postalCode: '11201', city: 'Brooklyn', country: 'US' } },
      { role: 'clerk' },
    );
    const usOrder = await h.post('create-order', { customerId: us.body.id, lines: [{ sku, quantity: 2 }] }, { role: 'clerk' });
    expect(usOrder.body).toMatchObject({ subtotal: 2000, tax: 0, total: 2000 });
    const usInvoice = await invoiceOf(usOrder.body.id);
    expect(usInvoice.lines[0]).toMatchObject({ vatCategory: 'G', exemptionReason: 'Export outside the EU', tax: 0 });

    const de = await h.post(
      'upsert-customer',
      { name: 'Erika Mustermann', paymentTermsDays: 0, address: { lines: ['Hauptstr. 1'], postalCode: '50667', city: 'Köln', country: 'DE' } },
      { role: 'clerk' },
    );
    const deOrder = await h.post('create-order', { customerId: de.body.id, lines: [{ sku, quantity: 2 }] }, { role: 'clerk' });
    expect(deOrder.body).toMatchObject({ subtotal: 2000, tax: 380, total: 2380 });
    const deInvoice = await invoiceOf(deOrder.body.id);
    expect(deInvoice.lines[0]).toMatchObject({ vatCategory: 'S', taxRateBp: 1900 });
    expect(deInvoice.notes).toEqual([]);
  });
});

describe('VAT-exempt products (category E)', () => {
  const medical = 'Exempt medical care, Article 132(1)(c) Council Directive 2006/112/EC';
  // The official rules, compiled once (or read from the cache) before the e-invoices are checked.
  beforeAll(loadRules, compileTimeout);

  it('refuses a reason next to a non-zero rate, naming taxRateBp, and writes nothing (nor changes a stored product)', async () => {
    const before = await counts(h);
    const bad = await h.post(
      'upsert-product',
      { sku: 'EXEMPT-BAD', name: 'Check-up', unitPrice: 5000, currency: 'EUR', taxRateBp: 1900, vatExemptionReason: medical },
      { role: 'admin' },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(['taxRateBp']);
    const { sku } = await seed(h, { taxRateBp: 700 });
    const afterSeed = await counts(h);
    const onExisting = await h.post(
      'upsert-product',
      { sku, name: 'Renamed', unitPrice: 1, currency: 'EUR', taxRateBp: 700, vatExemptionReason: medical },
      { role: 'admin' },
    );
    expect(onExisting.status).toBe(400);
    expect(await counts(h)).toEqual(afterSeed);
    expect(afterSeed.products).toBe(before.products + 1);
    expect((await h.get('query', '/products/EXEMPT-BAD', { role: 'clerk' })).status).toBe(404);
    expect((await h.get('query', `/products/${sku}`, { role: 'clerk' })).body).toMatchObject({
      name: expect.stringMatching(/^Product /),
      taxRateBp: 700,
      vatExemptionReason: null,
    });
  });

  it("sells an exempt product as E at 0 with its reason, beside a standard line, and the invoice's UBL and CII pass EN 16931", async () => {
    const saved = await h.post(
      'upsert-product',
      { sku: 'EXEMPT-CARE', name: 'Physiotherapy session', unitPrice: 6000, currency: 'EUR', vatExemptionReason: medical },
      { role: 'admin' },
    );
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ taxRateBp: 0, vatExemptionReason: medical });
    expect((await h.post('receive-stock', { sku: 'EXEMPT-CARE', quantity: 5 }, { role: 'clerk' })).status).toBe(200);
    expect((await h.get('query', '/products/EXEMPT-CARE', { role: 'clerk' })).body).toMatchObject({ taxRateBp: 0, vatExemptionReason: medical });
    const event = await h.db.pool.query(
      `select payload from platform.outbox where payload->>'type' = 'product_upserted' and payload->'data'->>'sku' = 'EXEMPT-CARE'`,
    );
    expect(event.rows[0].payload.data).toMatchObject({ vatExemptionReason: medical, taxRateBp: 0 });
    const csv = await h.get('query', '/products?q=EXEMPT-CARE', { role: 'clerk', headers: { accept: 'text/csv' } });
    expect(String(csv.headers['content-type'])).toMatch(/^text\/csv/);
    expect(parse(String(csv.body), { columns: true })).toEqual([expect.objectContaining({ sku: 'EXEMPT-CARE', taxRateBp: '0', vatExemptionReason: medical })]);

    const { sku } = await seed(h, { unitPrice: 1000, taxRateBp: 1900 });
    const patient = await h.post(
      'upsert-customer',
      { name: 'Max Muster', paymentTermsDays: 14, address: { lines: ['Ringstr. 3'], postalCode: '04109', city: 'Leipzig', country: 'DE' } },
      { role: 'clerk' },
    );
    const order = await h.post(
      'create-order',
      {
        customerId: patient.body.id,
        lines: [
          { sku: 'EXEMPT-CARE', quantity: 2 },
          { sku, quantity: 1 },
        ],
      },
      { role: 'clerk' },
    );
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ subtotal: 13000, tax: 190, total: 13190 });
    const read = await h.get('query', `/orders/${order.body.id}`, { role: 'clerk' });
    expect(read.body.lines[0]).toMatchObject({ sku: 'EXEMPT-CARE', vatCategory: 'E', taxRateBp: 0, tax: 0, exemptionReason: medical });

    const invoice = await invoiceOf(order.body.id);
    expect(invoice).toMatchObject({ subtotal: 13000, tax: 190, total: 13190, notes: [] });
    expect(invoice.lines[0]).toMatchObject({ vatCategory: 'E', taxRateBp: 0, net: 12000, tax: 0, exemptionReason: medical });
    expect(invoice.lines[1]).toMatchObject({ vatCategory: 'S', taxRateBp: 1900, tax: 190 });
    const doc = (await loadInvoiceDocument(h.db.pool, invoice.id))!;
    expect(doc.lines[0]).toMatchObject({ vatCategory: 'E', exemptionReason: medical });
    for (const format of ['ubl', 'cii'] as const) {
      const { xml } = einvoiceFile(doc, format);
      expect(xml).toContain(medical);
      expect(await fatal(format, xml), format).toEqual([]);
    }

    // A French business too: the exemption comes before reverse charge (the reason decides the category).
    const fr = await h.post('create-order', { customerId: 'fr-biz', lines: [{ sku: 'EXEMPT-CARE', quantity: 1 }] }, { role: 'clerk' });
    expect(fr.body).toMatchObject({ subtotal: 6000, tax: 0, total: 6000 });
    const frInvoice = await invoiceOf(fr.body.id);
    expect(frInvoice.lines[0]).toMatchObject({ vatCategory: 'E', exemptionReason: medical });
    expect(frInvoice.notes).toEqual([]);

    // The body states the whole tax treatment: leaving the reason out clears it.
    const cleared = await h.post('upsert-product', { sku: 'EXEMPT-CARE', name: 'Physiotherapy session', unitPrice: 6000, currency: 'EUR' }, { role: 'admin' });
    expect(cleared.body).not.toHaveProperty('vatExemptionReason');
    expect((await h.get('query', '/products/EXEMPT-CARE', { role: 'clerk' })).body.vatExemptionReason).toBeNull();
  });
});
