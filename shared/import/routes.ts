import { PassThrough } from 'node:stream';
import Negotiator from 'negotiator';
import { z } from 'zod';
import type { Role } from '../auth/roles.js';
import { readConfig } from '../config.js';
import { errorBody, AppError } from '../errors.js';
import type { MountOperation, MountRoute } from '../http/definition.js';
import { parseInput, toHttp } from '../http/errors-to-http.js';
import { columnsFor, type ImportKind } from './columns.js';
import { importCsv, type Writers } from './run.js';

// POST /function/upsert-product/import?kind=products|suppliers and POST /function/upsert-customer/import:
// a text/csv body, answered as JSON, or with `Accept: application/x-ndjson` as progress lines.
//
// Streaming and errors: every check (file, rows, references, against what is stored) runs before the
// first byte of the answer, so a bad file is always a plain 422 `import_invalid` in JSON, whatever the
// Accept. Only a file that passed starts the 200 stream; a failure while writing (the database gone)
// rolls everything back and ends the stream with an `{"error": ...}` line, as the status is sent by then.

const dryRun = z.enum(['true', 'false']).optional().describe('`true`: check everything and count what would change; write nothing.');
const productQuery = z.object({ kind: z.enum(['products', 'suppliers']), dryRun }).strict();
const customerQuery = z.object({ dryRun }).strict();

const ndjson = 'application/x-ndjson';
const wantsProgress = (accept: string | undefined) =>
  new Negotiator({ headers: { accept: accept ?? '*/*' } }).mediaType(['application/json', ndjson]) === ndjson;

const columnsText = (kind: ImportKind) =>
  columnsFor(kind)
    .map((c) => `\`${c.name}\`${c.required ? ' (required)' : ''}`)
    .join(', ');

function describe(path: string, summary: string, kinds: readonly ImportKind[], roles: readonly Role[], query: z.ZodType): MountOperation {
  return {
    method: 'POST',
    path,
    summary,
    roles,
    query,
    description:
      'Body: the CSV file (`Content-Type: text/csv`, UTF-8, header row first; at most IMPORT_BODY_LIMIT_BYTES, 20 MB by default). ' +
      kinds.map((k) => `Columns of ${k}: ${columnsText(k)}.`).join(' ') +
      ' Every row is checked before any is written; one bad row refuses the file (422 `import_invalid`, `details.rows` = `[{line, field, message}]`, the first 1000, `details.total`). ' +
      'All rows are then written in one transaction; a row equal to what is stored is left alone (`unchanged`). ' +
      'With `Accept: application/x-ndjson` the answer streams `{"phase","done","total"}` lines and ends with `{"result"}` or `{"error"}` (docs/api.md, "Moving in").',
    responses: {
      200: {
        description: '`{kind, dryRun, rows, created, updated, unchanged, openingStock}`, or progress lines ending with it',
        mediaTypes: ['application/json', ndjson],
      },
    },
    errors: ['import_invalid', 'body_too_large', 'unsupported_media_type'],
  };
}

/** The import route of a function: `kinds` it takes (more than one: chosen by `?kind=`). */
export function importMount(fn: 'upsert-product' | 'upsert-customer', roles: readonly Role[], writers: Writers): Omit<MountRoute, 'kind'> {
  const kinds: readonly ImportKind[] = fn === 'upsert-product' ? ['products', 'suppliers'] : ['customers'];
  const query = fn === 'upsert-product' ? productQuery : customerQuery;
  return {
    describe: [
      describe(
        '/import',
        fn === 'upsert-product' ? 'Import products (with opening stock) or suppliers from CSV' : 'Import customers from CSV',
        kinds,
        roles,
        query,
      ),
    ],
    register: (app, { deps, authorize }) => {
      const limit = readConfig(['IMPORT_BODY_LIMIT_BYTES']).IMPORT_BODY_LIMIT_BYTES;
      // In a scope of its own: the CSV parser and the large limit are this route's alone.
      void app.register(async (scope) => {
        scope.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));
        scope.post('/import', { bodyLimit: limit, onRequest: async (req) => void (await authorize(req.headers.authorization, roles)) }, async (req, reply) => {
          const actor = await authorize(req.headers.authorization, roles);
          const q = fn === 'upsert-product' ? parseInput(productQuery, req.query) : { kind: 'customers' as const, ...parseInput(customerQuery, req.query) };
          const kind: ImportKind = q.kind;
          if (!Buffer.isBuffer(req.body)) throw new AppError('unsupported_media_type', 'the body must be the CSV file, sent as text/csv');
          const bytes = req.body;
          const options = { dryRun: q.dryRun === 'true' };
          if (!wantsProgress(req.headers.accept)) return importCsv(deps, writers, actor.sub, req.id, kind, bytes, options);

          const out = new PassThrough();
          const line = (o: unknown) => out.write(`${JSON.stringify(o)}\n`);
          let streaming = false;
          try {
            const result = await importCsv(deps, writers, actor.sub, req.id, kind, bytes, {
              ...options,
              onChecked: () => {
                streaming = true;
                void reply.code(200).type(ndjson).send(out);
              },
              onProgress: (phase, done, total) => void (streaming && line({ phase, done, total })),
            });
            line({ result });
          } catch (err) {
            if (!streaming) throw err;
            const { body, unexpected } = toHttp(err);
            if (unexpected) deps.log.error({ correlationId: req.id, err }, 'import failed while writing; rolled back');
            line(unexpected ? errorBody(new AppError('internal', 'the import failed while writing; nothing was imported')) : body);
          }
          out.end();
          return reply;
        });
      });
    },
  };
}
