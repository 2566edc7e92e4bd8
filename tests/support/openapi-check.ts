import { appendFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { default as addFormats } from 'ajv-formats';
import { expect } from 'vitest';
import type { FunctionDefinition } from '../../shared/http/definition.js';
import { openApiDocument, type OpenApiDocument, type OpenApiOperation } from '../../shared/http/openapi.js';

// The integration tests' requests held against /openapi.json: every body a function read and accepted
// must validate against the document (ajv, JSON Schema 2020-12). The harness calls `check` after each
// POST. Only tests/integration/ is held to it: the fault suite sends hostile text on purpose, and the
// functions trim what JSON Schema cannot (`"a\t"` is accepted as "a"; the document's pattern refuses it).

/** ajv for the document's schemas: draft 2020-12, strict, with the formats zod writes (date, email, uuid). */
export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats.default(ajv);
  return ajv;
}

/** The operation a request reaches: a documented path matching it, fixed segments before parameters. */
export function findOperation(doc: OpenApiDocument, method: 'get' | 'post', fn: string, url: string): OpenApiOperation | undefined {
  const path = url.split('?')[0]!;
  const full = `/function/${fn}${path === '/' ? '' : path}`;
  const matches = Object.entries(doc.paths)
    .filter(([p, item]) => item[method] && new RegExp(`^${p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`).test(full))
    .sort(([a], [b]) => a.split('{').length - b.split('{').length);
  return matches[0]?.[1][method];
}

/** The schema a `$ref` names in the document. */
export function resolveRef(doc: OpenApiDocument, ref: string): Record<string, unknown> {
  const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
  const schema = name === undefined ? undefined : doc.components.schemas[name];
  if (!schema) throw new Error(`openapi.json: ${ref} does not resolve`);
  return schema;
}

/** How many bodies were checked per operationId, in this worker. */
export const checkedBodies = new Map<string, number>();

const inIntegrationTest = () => /[\\/]tests[\\/]integration[\\/]/.test(expect.getState().testPath ?? '');
// Answers a function gives only after it parsed the body; 400, 413, 415 refuse it, 401/403 never read it.
const bodyWasRead = (status: number) => status < 300 || status === 404 || status === 409 || status === 422;

export function createRequestCheck(defs: readonly FunctionDefinition[]) {
  const doc = openApiDocument(defs, { version: 'test' });
  const ajv = createAjv();
  return (fn: string, url: string, payload: string, status: number): void => {
    if (!inIntegrationTest()) return;
    const op = findOperation(doc, 'post', fn, url);
    if (!op) {
      if (status < 400) throw new Error(`POST /function/${fn}${url} answered ${status} but openapi.json has no such operation`);
      return;
    }
    const ref = op.requestBody?.content['application/json'].schema.$ref;
    if (!ref || !bodyWasRead(status)) return;
    const validate = ajv.getSchema(ref) ?? (ajv.addSchema(resolveRef(doc, ref), ref), ajv.getSchema(ref)!);
    if (!validate(JSON.parse(payload))) {
      throw new Error(
        `the body of POST /function/${fn}${url} (answered ${status}) does not validate against openapi.json ${ref}: ${ajv.errorsText(validate.errors)}\n${payload.slice(0, 500)}`,
      );
    }
    checkedBodies.set(op.operationId, (checkedBodies.get(op.operationId) ?? 0) + 1);
    // ERPBI_OPENAPI_LOG=<file>: one line per checked body, to see which operations the suite covers.
    if (process.env.ERPBI_OPENAPI_LOG) appendFileSync(process.env.ERPBI_OPENAPI_LOG, `${expect.getState().testPath}\t${op.operationId}\t${status}\n`);
  };
}

/** How many answers were checked per operationId, in this worker. */
export const checkedAnswers = new Map<string, number>();

/**
 * The integration tests' success answers held against /openapi.json: a JSON 2xx answer of an operation
 * that declares its schema must validate against it (ajv), so the document says what is served, as the
 * functions' own check (CHECK_ANSWERS) says it of the zod schemas the document is written from.
 */
export function createAnswerCheck(defs: readonly FunctionDefinition[]) {
  const doc = openApiDocument(defs, { version: 'test' });
  const ajv = createAjv();
  return (method: 'get' | 'post', fn: string, url: string, status: number, contentType: string, body: unknown): void => {
    if (!inIntegrationTest() || status >= 300 || !contentType.startsWith('application/json')) return;
    const op = findOperation(doc, method, fn, url);
    const ref = (op?.responses[String(status)]?.content?.['application/json']?.schema as { $ref?: string } | undefined)?.$ref;
    if (!op || !ref) return;
    const validate = ajv.getSchema(ref) ?? (ajv.addSchema(resolveRef(doc, ref), ref), ajv.getSchema(ref)!);
    if (!validate(body)) {
      throw new Error(
        `the answer of ${method.toUpperCase()} /function/${fn}${url} (${status}) does not validate against openapi.json ${ref}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
      );
    }
    checkedAnswers.set(op.operationId, (checkedAnswers.get(op.operationId) ?? 0) + 1);
  };
}
