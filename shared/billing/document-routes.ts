import { z } from 'zod';
import type { MountContext, MountOperation } from '../http/definition.js';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { readRoles } from '../auth/permissions.js';
import { parseInput } from '../http/errors-to-http.js';
import { id } from '../schemas/common.js';
import type { Pool } from '../db/pool.js';
import { documentKey } from '../documents/model.js';
import { purchaseOrderKey } from '../documents/purchase-order.js';
import { reminderKey } from '../documents/reminder.js';

// GET /invoices/:id/pdf, /credit-notes/:id/pdf, /reminders/:id/pdf and /purchase-orders/:id/pdf in the query
// function: the stored document as application/pdf, for the roles that see the records. A mount, because the
// answer is bytes, not JSON.
export const documentReaders = readRoles.records;
const byId = z.object({ id }).strict();
const documents = [
  { path: '/invoices/:id/pdf', kind: 'invoice', what: 'invoice' },
  { path: '/credit-notes/:id/pdf', kind: 'credit_note', what: 'credit note' },
  { path: '/reminders/:id/pdf', kind: 'reminder', what: 'reminder' },
  { path: '/purchase-orders/:id/pdf', kind: 'purchase_order', what: 'purchase order' },
] as const;
type StoredKind = (typeof documents)[number]['kind'];
/** Where each kind's number is, whether it is rendered at all (a purchase order once sent; billing's
 *  documents as issued), and its object's key from the number. */
const stored: Record<StoredKind, { table: string; rendered: string; key: (number: string) => string }> = {
  invoice: { table: 'billing.invoices', rendered: 'true', key: (number) => documentKey({ kind: 'invoice', number }) },
  credit_note: { table: 'billing.credit_notes', rendered: 'true', key: (number) => documentKey({ kind: 'credit_note', number }) },
  reminder: { table: 'billing.reminders', rendered: 'true', key: reminderKey },
  purchase_order: { table: 'inventory.purchase_orders', rendered: 'sent_at is not null', key: purchaseOrderKey },
};

/** The routes below for /openapi.json. */
export const documentOperations: MountOperation[] = documents.map((d) => ({
  method: 'GET',
  path: d.path,
  summary: `The ${d.what} as PDF`,
  description:
    d.kind === 'purchase_order'
      ? 'The purchase order as rendered when it was sent (render-document), from object storage. 409 `invalid_transition` for one never sent (a draft has no PDF); 503 `not_ready` until it is rendered or while storage is down: try again shortly.'
      : `The ${d.what} as rendered when billing issued it (render-document), from object storage. 503 \`not_ready\` until it is rendered or while storage is down: try again shortly.`,
  roles: documentReaders,
  params: byId,
  responses: { 200: { description: `the ${d.what}'s PDF`, mediaTypes: ['application/pdf'] } },
  errors: d.kind === 'purchase_order' ? ['not_found', 'invalid_transition'] : ['not_found'],
}));

export function registerDocumentRoutes(app: FastifyInstance, { deps, authorize }: MountContext) {
  for (const { path, kind, what } of documents) {
    app.get(path, async (req, reply) => {
      await authorize(req.headers.authorization, documentReaders);
      const { id: docId } = parseInput(byId, req.params);
      const found = await storedPdf(deps.db, kind, docId).catch((err: unknown) => {
        // Not rendered yet, or storage down: a 503 that says when to ask again.
        if (err instanceof AppError && err.code === 'not_ready') reply.header('retry-after', '30');
        throw err;
      });
      if (!found) throw new AppError('not_found', `no such ${what}`);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${found.filename}"`)
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(found.bytes));
    });
  }
}

/**
 * The stored PDF of an invoice, credit note, reminder or purchase order: undefined for an unknown id (a 404);
 * a purchase order never sent has none (409 `invalid_transition`); a document that is not rendered yet (or
 * storage that is down) is a 503 `not_ready`, to try again shortly.
 */
export async function storedPdf(db: Pool, kind: StoredKind, id: string): Promise<{ filename: string; bytes: Uint8Array } | undefined> {
  const { rows } = await db.query<{ number: string; rendered: boolean }>(
    `select number, ${stored[kind].rendered} as rendered from ${stored[kind].table} where id = $1`,
    [id],
  );
  const number = rows[0]?.number;
  if (number === undefined) return undefined;
  if (!rows[0]!.rendered) throw new AppError('invalid_transition', `${number} was never sent: a purchase order's PDF is made when it is sent`);
  // The S3 client (@aws-sdk) loads with the first PDF asked for, not at every start of the query function.
  const { documentStore } = await import('../documents/storage.js');
  const bytes = await documentStore().get(stored[kind].key(number));
  if (!bytes) throw new AppError('not_ready', `the PDF of ${number} is not rendered yet; try again shortly`);
  return { filename: `${number}.pdf`, bytes };
}
