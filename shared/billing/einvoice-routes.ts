import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { MountContext, MountOperation } from '../http/definition.js';
import { AppError } from '../errors.js';
import { parseInput } from '../http/errors-to-http.js';
import { id } from '../schemas/common.js';
import { einvoiceFormatNames as formats } from '../einvoice/formats.js';
import { documentReaders } from './document-routes.js';
import type { Pool } from '../db/pool.js';

// GET /invoices/:id/einvoice and /credit-notes/:id/einvoice?format=ubl|cii in the query function: the
// document as an EN 16931 e-invoice, written from billing's records on each request (the XML is small
// and deterministic; nothing to store). The same readers as the PDFs. A mount: the answer is XML.
const byId = z.object({ id }).strict();
export const einvoiceQuery = z.object({ format: z.enum(['ubl', 'cii']) }).strict();

// The loaders' module also renders PDFs (pdfkit, fonts), and the writers need xmlbuilder2 and its DOM (~230 kB):
// both imported on the first e-invoice asked for, so the query function does not load them at every start
// (esbuild.config.mjs keeps them in chunks).
const billingDocuments = () => import('./documents.js');
const writers = () => import('../einvoice/attachment.js');
const documents = [
  { path: '/invoices/:id/einvoice', what: 'invoice', load: async (db: Pool, id: string) => (await billingDocuments()).loadInvoiceDocument(db, id) },
  { path: '/credit-notes/:id/einvoice', what: 'credit note', load: async (db: Pool, id: string) => (await billingDocuments()).loadCreditNoteDocument(db, id) },
] as const;

/** The routes below for /openapi.json. */
export const einvoiceOperations: MountOperation[] = documents.map((d) => ({
  method: 'GET',
  path: d.path,
  summary: `The ${d.what} as an EN 16931 e-invoice (UBL or CII)`,
  description:
    `\`format=ubl\`: ${formats.ubl}; \`format=cii\`: ${formats.cii}. Written from the ${d.what} as issued, ` +
    `as an attachment named \`<number>-<format>.xml\`. 422 \`einvoice_incomplete\` when the document lacks what EN 16931 requires ` +
    '(`details.missing`: e.g. `seller.address`, `buyer.address` on documents issued before addresses were kept).',
  roles: documentReaders,
  params: byId,
  query: einvoiceQuery,
  responses: { 200: { description: `the ${d.what} as EN 16931 XML`, mediaTypes: ['application/xml'] } },
  errors: ['not_found', 'einvoice_incomplete'],
}));

export function registerEInvoiceRoutes(app: FastifyInstance, { deps, authorize }: MountContext) {
  for (const { path, what, load } of documents) {
    app.get(path, async (req, reply) => {
      await authorize(req.headers.authorization, documentReaders);
      const { id: docId } = parseInput(byId, req.params);
      const { format } = parseInput(einvoiceQuery, req.query);
      const doc = await load(deps.db, docId);
      if (!doc) throw new AppError('not_found', `no such ${what}`);
      const { filename, xml } = (await writers()).einvoiceFile(doc, format);
      return reply
        .type('application/xml; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'private, no-store')
        .send(xml);
    });
  }
}
