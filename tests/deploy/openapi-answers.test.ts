import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineFunction, mount, query, type FunctionDefinition } from '../../shared/http/definition.js';
import { openApiDocument, type OpenApiDocument, type OpenApiOperation } from '../../shared/http/openapi.js';
import { reminderRunAnswer } from '../../shared/billing/reminder-routes.js';
import { orderPage } from '../../shared/query/answers/orders.js';
import { loadDefinitions } from '../support/harness.js';
import { createAjv, resolveRef } from '../support/openapi-check.js';

// /openapi.json's success schemas (issue 23): every read's answer, a command's or a mount's where one is
// declared, written from the same zod schemas the functions check their answers with (CHECK_ANSWERS).
// tests/support/harness.ts holds every integration test's JSON answer to them.

let doc: OpenApiDocument;
const olapDir = mkdtempSync(join(tmpdir(), 'erpbi-openapi-answers-'));
process.env.OLAP_FILE = join(olapDir, 'never-opened.duckdb'); // the projector's mount names its file when registered
beforeAll(async () => void (doc = openApiDocument(await loadDefinitions(), { version: 'test' })));
afterAll(() => rmSync(olapDir, { recursive: true, force: true }));

const operations = (d: OpenApiDocument) => Object.entries(d.paths).flatMap(([path, item]) => Object.values(item).map((op: OpenApiOperation) => ({ path, op })));
const jsonAnswer = (op: OpenApiOperation, status = '200') =>
  (op.responses[status]?.content?.['application/json']?.schema as { $ref?: string } | undefined)?.$ref;

describe('success schemas in /openapi.json', () => {
  it('gives every read of the query function its answer schema, a strict object, as a component', () => {
    const reads = operations(doc).filter(({ op }) => op['x-erpbi'].kind === 'query');
    expect(reads.length).toBeGreaterThan(20);
    for (const { path, op } of reads) {
      const ref = jsonAnswer(op);
      expect(ref, path).toMatch(/^#\/components\/schemas\/\w+Answer$/);
      const schema = resolveRef(doc, ref!);
      expect(schema.type, path).toBe('object');
      expect(schema.additionalProperties, path).toBe(false);
    }
    expect(resolveRef(doc, jsonAnswer(doc.paths['/function/query/orders']!.get!)!)).toEqual(expect.objectContaining({ required: ['items', 'nextCursor'] }));
  });

  it('gives every reaction the one reaction answer, and every declaring command its own', () => {
    const ops = operations(doc);
    const reactions = ops.filter(({ op }) => op['x-erpbi'].kind === 'reaction');
    expect(reactions.length).toBeGreaterThan(2);
    for (const { path, op } of reactions) expect(jsonAnswer(op), path).toBe('#/components/schemas/ReactionAnswer');
    const send = doc.paths['/function/receive-stock/purchase-order/send']!.post!;
    expect(jsonAnswer(send)).toBe(jsonAnswer(doc.paths['/function/query/purchase-orders/{id}']!.get!));
    expect(jsonAnswer(doc.paths['/function/hire-employee']!.post!, '201')).toMatch(/Answer$/);
  });

  it("carries a mount's declared schema, the reminder run's", () => {
    const op = doc.paths['/function/create-invoice/reminders']!.post!;
    expect(resolveRef(doc, jsonAnswer(op)!)).toEqual(stripDialect(z.toJSONSchema(reminderRunAnswer, { io: 'output' })));
  });

  it('names each fixed entry of a mount apart, shares a schema answered by two routes, and leaves binary answers without one', () => {
    const thing = z.strictObject({ n: z.number().int() });
    const other = z.strictObject({ s: z.string() });
    const def: FunctionDefinition = defineFunction({
      name: 'bi-like',
      routes: [
        query({ path: '/orders', roles: ['clerk'], input: z.object({}), answer: orderPage, run: async () => undefined }),
        query({ path: '/orders-again', roles: ['clerk'], input: z.object({}), answer: orderPage, run: async () => undefined }),
        mount({
          register: () => undefined,
          describe: [
            {
              method: 'GET',
              path: '/query/:name',
              fixed: { name: 'a_b' },
              summary: 'a',
              roles: ['clerk'],
              responses: { 200: { description: 'a', mediaTypes: ['application/json', 'text/csv'], schema: thing } },
            },
            {
              method: 'GET',
              path: '/query/:name',
              fixed: { name: 'c' },
              summary: 'c',
              roles: ['clerk'],
              responses: { 200: { description: 'c', mediaTypes: ['application/json'], schema: other } },
            },
            { method: 'GET', path: '/pdf', summary: 'pdf', roles: ['clerk'], responses: { 200: { description: 'a PDF', mediaTypes: ['application/pdf'] } } },
          ],
        }),
      ],
    });
    const d = openApiDocument([def], { version: 'test' });
    const a = d.paths['/function/bi-like/query/a_b']!.get!;
    expect(jsonAnswer(a)).toBe('#/components/schemas/BiLikeQueryABAnswer');
    expect(a.responses['200']!.content!['text/csv']).toEqual({});
    expect(jsonAnswer(d.paths['/function/bi-like/query/c']!.get!)).toBe('#/components/schemas/BiLikeQueryCAnswer');
    expect(d.components.schemas.BiLikeQueryCAnswer).toEqual(stripDialect(z.toJSONSchema(other, { io: 'output' })));
    expect(jsonAnswer(d.paths['/function/bi-like/orders-again']!.get!)).toBe(jsonAnswer(d.paths['/function/bi-like/orders']!.get!));
    expect(d.paths['/function/bi-like/pdf']!.get!.responses['200']!.content).toEqual({ 'application/pdf': {} });
  });

  it('compiles every answer schema with ajv, and each accepts what its zod schema accepts and refuses an extra field', () => {
    const ajv = createAjv();
    const order = {
      id: 'o1',
      status: 'paid',
      customerId: 'c1',
      customerName: 'Acme',
      lines: [{ sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 1250, taxRateBp: 2000, net: 1250, tax: 250 }],
      subtotal: 1250,
      tax: 250,
      total: 1500,
      currency: 'EUR',
      invoiceId: null,
      amountPaid: 0,
      createdAt: '2026-12-07T09:00:00.123456Z',
      updatedAt: '2026-12-07T09:00:00.123456Z',
    };
    const validate = ajv.compile(resolveRef(doc, jsonAnswer(doc.paths['/function/query/orders']!.get!)!));
    const good = { items: [order], nextCursor: null };
    expect(orderPage.safeParse(good).success).toBe(true);
    expect(validate(good), ajv.errorsText(validate.errors)).toBe(true);
    const extra = { items: [{ ...order, secret: 1 }], nextCursor: null };
    expect(orderPage.safeParse(extra).success).toBe(false);
    expect(validate(extra)).toBe(false);
  });
});

function stripDialect(s: object): object {
  const { $schema: _d, ...rest } = s as Record<string, unknown>;
  return rest;
}
