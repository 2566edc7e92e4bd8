import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { build } from 'esbuild';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JS build script
import { nodeBundle } from '../../esbuild.config.mjs';
import { documentPdf } from '../../shared/billing/documents.js';
import { companyProfile } from '../../shared/documents/company.js';
import type { BillingDocument } from '../../shared/documents/model.js';
import { renderPdf } from '../../shared/documents/render-pdf.js';

// The invoice PDF as Factur-X / ZUGFeRD (EN 16931): PDF/A-3b declared in the XMP, the CII XML embedded
// as factur-x.xml. Read back with poppler (pdfdetach, pdfinfo, pdftotext) and by looking at the PDF's
// objects, which pdfkit writes uncompressed (only streams are compressed). What this does not do is run
// a PDF/A validator (veraPDF is neither on npm nor in Debian): the PDF/A rules themselves are taken on
// pdfkit's word, save the ones checked here.
const root = join(import.meta.dirname, '..', '..');
const cii = readFileSync(join(root, 'tests/fixtures/factur-x/CII_business_example_01.xml'), 'utf8');
const company = companyProfile.parse({
  name: 'Müller & Söhne <Kaffee> GmbH',
  address: ['Hauptstraße 5', '10115 Berlin'],
  vatId: 'DE123456789',
});

const invoice: BillingDocument = {
  kind: 'invoice',
  number: 'INV-2026-000042',
  issueDate: '2026-11-30',
  dueDate: '2026-12-14',
  paymentTermsDays: 14,
  currency: 'EUR',
  seller: { name: company.name, vatId: company.vatId },
  buyer: { id: 'cust-1', name: 'Łódź Trading Sp. z o.o.' },
  orderId: 'order-1',
  lines: [
    { sku: 'BEAN-1KG', name: 'Espresso beans 1 kg', quantity: 3, unitPrice: 2490, taxRateBp: 700, net: 7470, tax: 523, vatCategory: 'S' },
    { sku: 'MUG-2', name: 'Mug, stoneware', quantity: 4, unitPrice: 1250, taxRateBp: 1900, net: 5000, tax: 950, vatCategory: 'S' },
  ],
  subtotal: 12470,
  tax: 1473,
  total: 13943,
  amountDue: 13943,
  notes: [],
};
const creditNote: BillingDocument = {
  ...invoice,
  kind: 'credit_note',
  number: 'CN-2026-000007',
  issueDate: '2026-12-02',
  dueDate: undefined,
  paymentTermsDays: undefined,
  credits: { number: invoice.number, issueDate: invoice.issueDate },
  reason: 'returned',
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'erpbi-factur-x-'));
  process.env.COMPANY_PROFILE = JSON.stringify(company);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const poppler = (tool: string, args: string[], pdf: Buffer) => {
  const file = join(dir, `${tool}-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync(tool, [...args, file], { cwd: dir }).toString('utf8');
};

/** The XMP's properties, every rdf:Description merged (pdfinfo -meta prints the metadata stream). */
function xmp(pdf: Buffer): Record<string, unknown> {
  const text = poppler('pdfinfo', ['-meta'], pdf);
  const packet = text.slice(text.indexOf('<?xpacket begin'), text.indexOf('<?xpacket end') + '<?xpacket end="w"?>'.length);
  expect(XMLValidator.validate(packet)).toBe(true);
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    isArray: (name) => name === 'rdf:Description',
    parseTagValue: false,
  }).parse(packet);
  return Object.assign({}, ...parsed['x:xmpmeta']['rdf:RDF']['rdf:Description']);
}

/** An indirect object's dictionary (its text up to `stream` or `endobj`) and its stream, inflated. */
function object(pdf: Buffer, id: number): { dict: string; stream?: Buffer } {
  const start = pdf.indexOf(`\n${id} 0 obj\n`);
  expect(start, `object ${id}`).toBeGreaterThan(0);
  const end = pdf.indexOf('\nendobj', start);
  const body = pdf.subarray(start, end);
  const at = body.indexOf('\nstream\n');
  if (at < 0) return { dict: body.toString('latin1') };
  const dict = body.subarray(0, at).toString('latin1');
  const length = Number(/\/Length (\d+)/.exec(dict)![1]);
  const raw = body.subarray(at + '\nstream\n'.length, at + '\nstream\n'.length + length);
  return { dict, stream: dict.includes('/FlateDecode') ? inflateSync(raw) : raw };
}
const refs = (dict: string, key: string) =>
  [...(new RegExp(`/${key} \\[?((?:\\d+ 0 R\\s*)+)`).exec(dict)?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]));
const catalog = (pdf: Buffer) => object(pdf, Number(/\/Root (\d+) 0 R/.exec(pdf.subarray(pdf.lastIndexOf('trailer')).toString('latin1'))![1])).dict;

describe('Factur-X PDF (PDF/A-3b, CII embedded as factur-x.xml)', () => {
  it('embeds the CII XML as factur-x.xml, byte for byte, and pdfdetach gets it back', async () => {
    const pdf = await documentPdf(invoice, cii);
    expect(poppler('pdfdetach', ['-list'], pdf)).toMatch(/^1 embedded files\n1: factur-x\.xml\n$/);
    const saved = join(dir, 'extracted.xml');
    poppler('pdfdetach', ['-save', '1', '-o', saved], pdf);
    expect(Buffer.compare(readFileSync(saved), Buffer.from(cii, 'utf8'))).toBe(0);
  });

  it('declares PDF/A-3 conformance B and the Factur-X EN 16931 fields in its XMP, with their extension schema', async () => {
    const meta = xmp(await documentPdf(invoice, cii));
    expect(meta['pdfaid:part']).toBe('3');
    expect(meta['pdfaid:conformance']).toBe('B');
    expect(meta['@xmlns:fx']).toBe('urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#');
    expect({ type: meta['fx:DocumentType'], file: meta['fx:DocumentFileName'], version: meta['fx:Version'], level: meta['fx:ConformanceLevel'] }).toEqual({
      type: 'INVOICE',
      file: 'factur-x.xml',
      version: '1.0',
      level: 'EN 16931',
    });
    // PDF/A admits the fx properties only with a pdfaExtension schema naming each of them.
    const schema = (meta['pdfaExtension:schemas'] as any)['rdf:Bag']['rdf:li'];
    expect(schema['pdfaSchema:namespaceURI']).toBe(meta['@xmlns:fx']);
    expect(schema['pdfaSchema:prefix']).toBe('fx');
    const properties = schema['pdfaSchema:property']['rdf:Seq']['rdf:li'] as Record<string, string>[];
    expect(properties.map((p) => [p['pdfaProperty:name'], p['pdfaProperty:valueType'], p['pdfaProperty:category']])).toEqual(
      ['DocumentType', 'DocumentFileName', 'Version', 'ConformanceLevel'].map((name) => [name, 'Text', 'external']),
    );
    // The info dictionary's entries, the same in the XMP (escaped: the seller's name has & and <>).
    expect((meta['dc:creator'] as any)['rdf:Seq']['rdf:li']).toBe(company.name);
    expect((meta['dc:title'] as any)['rdf:Alt']['rdf:li']['#text']).toBe(`Invoice ${invoice.number}`);
    expect([meta['xmp:CreateDate'], meta['xmp:ModifyDate']]).toEqual(['2026-11-30T00:00:00Z', '2026-11-30T00:00:00Z']);
    expect(meta['pdf:Producer']).toBe('erpbi');
  });

  it('references the XML from the catalog /AF as an Alternative, text/xml with its dates, and carries the sRGB output intent', async () => {
    const pdf = await documentPdf(invoice, cii);
    expect(pdf.subarray(0, 9).toString('latin1')).toBe('%PDF-1.7\n');
    const cat = catalog(pdf);
    const [spec] = refs(cat, 'AF');
    expect(refs(cat, 'AF')).toHaveLength(1);
    const filespec = object(pdf, spec!).dict;
    expect(filespec).toContain('/Type /Filespec');
    expect(filespec).toContain('/AFRelationship /Alternative');
    expect(filespec).toContain('/F (factur-x.xml)');
    expect(filespec).toContain('/UF (factur-x.xml)');
    const file = object(pdf, refs(filespec, 'F')[0]!);
    expect(file.dict).toContain('/Type /EmbeddedFile');
    expect(file.dict).toContain('/Subtype /text#2Fxml');
    expect(file.dict).toContain('/ModDate (D:20261130000000Z)');
    expect(file.stream!.toString('utf8')).toBe(cii);

    const intent = object(pdf, refs(cat, 'OutputIntents')[0]!).dict;
    expect(intent).toContain('/S /GTS_PDFA1');
    expect(intent).toContain('/OutputConditionIdentifier (sRGB IEC61966-2.1)');
    const profile = object(pdf, refs(intent, 'DestOutputProfile')[0]!);
    expect(profile.dict).toContain('/N 3');
    expect(Buffer.compare(profile.stream!, readFileSync(join(root, 'node_modules/pdfkit/js/data/sRGB_IEC61966_2_1.icc')))).toBe(0);
    // The XMP readable as it is (PDF/A: no filter on the metadata stream); the trailer's file ID.
    const metadata = object(pdf, refs(cat, 'Metadata')[0]!).dict;
    expect(metadata).toContain('/Subtype /XML');
    expect(metadata).not.toContain('/Filter');
    expect(pdf.subarray(pdf.lastIndexOf('trailer')).toString('latin1')).toMatch(/\/ID \[<[0-9a-f]{32}> <[0-9a-f]{32}>\]/);
    // Every font embedded (PDF/A): pdffonts lists each with emb = yes.
    const fonts = poppler('pdffonts', [], pdf)
      .split('\n')
      .slice(2)
      .filter((l) => l.trim());
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) expect(f, f).toMatch(/ yes\s+yes\s+yes\s+\d+\s+\d+\s*$/);
  });

  it('still reads as the invoice: pdfinfo and pdftotext', async () => {
    const pdf = await documentPdf(invoice, cii);
    const info = poppler('pdfinfo', [], pdf);
    expect(info).toMatch(/PDF version:\s+1\.7/);
    expect(info).toMatch(/Pages:\s+1/);
    expect(info).toMatch(/Title:\s+Invoice INV-2026-000042/);
    expect(info).toMatch(/Author:\s+Müller & Söhne <Kaffee> GmbH/);
    const t = execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');
    for (const expected of [invoice.number, 'Łódź Trading Sp. z o.o.', company.name, 'Espresso beans 1 kg', 'Total due', '€139.43'])
      expect(t).toContain(expected);
  });

  it('is deterministic: the same document and XML give the same bytes', async () => {
    const [a, b] = [await documentPdf(invoice, cii), await documentPdf(invoice, cii)];
    expect(Buffer.compare(a, b)).toBe(0);
    const [c, d] = [await documentPdf(creditNote, cii), await documentPdf(creditNote, cii)];
    expect(Buffer.compare(c, d)).toBe(0);
    expect(Buffer.compare(a, c)).not.toBe(0);
  });

  it('makes a credit note Factur-X the same way (document type INVOICE, as Factur-X has it for 381 too)', async () => {
    const pdf = await documentPdf(creditNote, cii);
    expect(poppler('pdfdetach', ['-list'], pdf)).toContain('1: factur-x.xml');
    const meta = xmp(pdf);
    expect([meta['pdfaid:part'], meta['fx:DocumentType'], meta['xmp:ModifyDate']]).toEqual(['3', 'INVOICE', '2026-12-02T00:00:00Z']);
    expect(execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString()).toContain('CREDIT NOTE');
  });

  it('without the XML, the PDF stays as it was: no attachment, no PDF/A claim', async () => {
    const pdf = await documentPdf(invoice, undefined);
    expect(poppler('pdfdetach', ['-list'], pdf)).toBe('0 embedded files\n');
    expect(pdf.subarray(0, 9).toString('latin1')).toBe('%PDF-1.3\n');
    expect(catalog(pdf)).not.toContain('/OutputIntents');
  });

  it('renders Factur-X from a bundle, which has no pdfkit data folder (the colour profile travels inside)', async () => {
    const out = join(dir, 'bundle', 'render.mjs');
    await build({
      ...nodeBundle,
      stdin: {
        contents: [
          `import { renderPdf } from ${JSON.stringify(join(root, 'shared/documents/render-pdf.ts'))};`,
          "import { writeFileSync } from 'node:fs';",
          'const [doc, company, xml, file] = JSON.parse(process.argv[2]);',
          'writeFileSync(file, await renderPdf(doc, { facturX: { xml } }));',
        ].join('\n'),
        resolveDir: root,
        sourcefile: 'render-entry.ts',
        loader: 'ts',
      },
      outfile: out,
      logLevel: 'warning',
    });
    const file = join(dir, 'from-bundle.pdf');
    execFileSync(process.execPath, [out, JSON.stringify([invoice, company, cii, file])], { cwd: dir });
    const bundled = readFileSync(file);
    expect(Buffer.compare(bundled, await renderPdf(invoice, { facturX: { xml: cii } }))).toBe(0);
  });
});
