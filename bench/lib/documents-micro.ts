import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
// @ts-expect-error: plain JS build script
import { nodeBundle } from '../../esbuild.config.mjs';
import type { BillingDocument } from '../../shared/documents/model.js';

// What one invoice PDF costs, without the box around it: N realistic invoices (Factur-X, 1-3 lines,
// buyers in Latin, Polish, Greek and Cyrillic script, every one a different number and amount) rendered
// in a process of their own, as render-document renders them (shared/billing/documents.ts: the CII XML,
// then the PDF), storage left out. CPU from process.cpuUsage around the renders (what load changes
// least), wall time beside it, and the process's RSS after the last render. The renderer is bundled as
// the functions are (esbuild.config.mjs: the fonts and the colour profile as bytes), so it runs as
// deployed; `node --import tsx bench/lib/documents-micro.ts [N]` prints the figures.

const root = join(import.meta.dirname, '..', '..');

export interface DocumentRenderCost {
  /** CPU (user + system) per document, ms. */
  cpuMsPerDoc: number;
  /** Wall time per document, ms (load on the machine shows here first). */
  wallMsPerDoc: number;
  /** The rendering process's resident set after the last render, kB. */
  rssKb: number;
}

// The loop, bundled with the renderer: the documents come as JSON on the command line's file.
const loop = `
import { readFileSync } from 'node:fs';
import { documentPdf, embeddedCii } from './shared/billing/documents.ts';
const docs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const n = Number(process.argv[3]);
// One render first: loading the fonts and the modules is once per process, not per document.
await documentPdf(docs[0], embeddedCii(docs[0]));
const cpu = process.cpuUsage();
const start = performance.now();
for (let i = 0; i < n; i++) {
  const doc = docs[i % docs.length];
  await documentPdf(doc, embeddedCii(doc));
}
const used = process.cpuUsage(cpu);
const wall = performance.now() - start;
process.stdout.write(JSON.stringify({
  cpuMsPerDoc: (used.user + used.system) / 1000 / n,
  wallMsPerDoc: wall / n,
  rssKb: Math.round(process.memoryUsage().rss / 1024),
}));
`;

const buyers = ['Łódź Trading Sp. z o.o.', 'Αθηναϊκή Εμπορική Α.Ε.', 'ООО «Северный кофе»', 'Café de Flore SARL', 'Smith & Sons Ltd'];
const products = [
  { sku: 'BEAN-1KG', name: 'Espresso beans 1 kg', unitPrice: 2490 },
  { sku: 'MUG-2', name: 'Mug, stoneware', unitPrice: 1250 },
  { sku: 'GRIND-9', name: 'Burr grinder “Präzision”', unitPrice: 18900 },
  { sku: 'FLT-100', name: 'Paper filters ×100', unitPrice: 390 },
];

/** The i-th sample invoice: its own number, buyer, 1-3 lines and quantities, so no two are alike. */
export function sampleInvoice(i: number): BillingDocument {
  const lines = products.slice(0, 1 + (i % 3)).map((p, j) => {
    const quantity = 1 + ((i * 7 + j * 3) % 9);
    const net = quantity * p.unitPrice;
    const tax = Math.round((net * 1900) / 10_000);
    return { sku: p.sku, name: p.name, quantity, unitPrice: p.unitPrice, taxRateBp: 1900, net, tax, vatCategory: 'S' as const };
  });
  const subtotal = lines.reduce((s, l) => s + l.net, 0);
  const tax = lines.reduce((s, l) => s + l.tax, 0);
  const buyer = buyers[i % buyers.length]!;
  return {
    kind: 'invoice',
    number: `INV-2026-${String(i + 1).padStart(6, '0')}`,
    issueDate: '2026-11-30',
    dueDate: '2026-12-14',
    paymentTermsDays: 14,
    currency: 'EUR',
    seller: {
      name: 'Müller & Söhne Kaffee GmbH',
      vatId: 'DE123456789',
      address: { lines: ['Hauptstraße 5'], postalCode: '10115', city: 'Berlin', country: 'DE' },
      email: 'billing@example.com',
      bank: { name: 'Commerzbank', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' },
    },
    buyer: {
      id: `cust-${i % 200}`,
      name: buyer,
      address: { lines: [`Street ${1 + (i % 90)}`], postalCode: '80331', city: 'München', country: 'DE' },
      vatId: 'DE987654321',
      email: `buyer${i % 200}@example.com`,
    },
    orderId: `order-${i}`,
    lines,
    subtotal,
    tax,
    total: subtotal + tax,
    amountDue: subtotal + tax,
    notes: [],
  };
}

/** Renders n sample invoices (cycling through 100 different ones) in a fresh process and answers their cost. */
export async function measureDocumentRender(n: number): Promise<DocumentRenderCost> {
  const dir = mkdtempSync(join(tmpdir(), 'erpbi-documents-micro-'));
  try {
    const bundle = join(dir, 'render-loop.mjs');
    await build({
      ...(nodeBundle as object),
      stdin: { contents: loop, resolveDir: root, sourcefile: 'render-loop.ts', loader: 'ts' },
      outfile: bundle,
      logLevel: 'warning',
    });
    const docs = join(dir, 'documents.json');
    writeFileSync(docs, JSON.stringify(Array.from({ length: 100 }, (_, i) => sampleInvoice(i))));
    const out = execFileSync(process.execPath, [bundle, docs, String(n)], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    return JSON.parse(out) as DocumentRenderCost;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await measureDocumentRender(Number(process.argv[2] ?? 200))));
}
