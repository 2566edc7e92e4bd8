import { z } from 'zod';
import type { Role } from '../auth/roles.js';
import { errorCatalogue, httpStatus, type ErrorCode } from '../errors.js';
import { envelopeSchema } from '../events/envelope.js';
import { idempotencyKey } from './app.js';
import { reactionAnswer } from './reaction-answer.js';
import type { FunctionDefinition, MountOperation } from './definition.js';

// /openapi.json (OpenAPI 3.1), derived from the function definitions: the zod schemas the routes parse
// with (zod 4's JSON Schema output), their roles, and the error catalogue. No schema is restated here,
// so the document cannot drift from what the functions accept. Paths are those the gateway serves.

type JsonSchema = Record<string, unknown>;
type Kind = 'command' | 'reaction' | 'query' | 'mount';
type Method = 'GET' | 'POST';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}
interface Content {
  schema?: JsonSchema;
}
interface Response {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  content?: Record<string, Content>;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required: true; content: { 'application/json': { schema: { $ref: string } } } };
  responses: Record<string, Response>;
  /** Where the operation comes from; the tests map served routes and sent requests back through it. */
  'x-erpbi': { function: string; kind: Kind; route: string; fixed?: Record<string, string>; roles: Role[] };
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: { name: string; description?: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, { get?: OpenApiOperation; post?: OpenApiOperation }>;
  components: {
    securitySchemes: Record<string, JsonSchema>;
    parameters: Record<string, Parameter>;
    schemas: Record<string, JsonSchema>;
  };
  /** The error catalogue as data: every code with its status and meaning. */
  'x-error-codes': Record<ErrorCode, { status: number; doc: string }>;
}

/** One route, whatever its kind, in the terms the document needs. */
interface Op {
  fn: string;
  kind: Kind;
  method: Method;
  route: string;
  fixed?: Readonly<Record<string, string>>;
  summary: string;
  description?: string;
  roles: readonly Role[];
  /** A query route's `input`: path and query parameters in one object. */
  input?: z.ZodType;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  idempotent: boolean;
  responses: Readonly<Record<number, { description: string; mediaTypes: readonly string[]; schema?: z.ZodType | undefined }>>;
  errors: readonly ErrorCode[];
}

const codes = Object.keys(errorCatalogue) as ErrorCode[];
// What a command or a reaction may answer beyond bad input: the domain's refusals (which of them a
// given command answers is said in docs/api.md; the code does not declare it).
const domainCodes = codes.filter((c) => ['not_found', 'conflict', 'unprocessable'].includes(errorCatalogue[c].kind));
const json = ['application/json'] as const;

function operations(def: FunctionDefinition): Op[] {
  const fn = def.name;
  return def.routes.flatMap((route): Op[] => {
    switch (route.kind) {
      case 'command':
        return [
          {
            fn,
            kind: 'command',
            method: 'POST',
            route: route.path ?? '/',
            summary: route.path ? `${fn} ${route.path}` : fn,
            roles: route.roles,
            body: route.body,
            idempotent: route.idempotent === true,
            responses: {
              [route.successStatus ?? 200]: { description: "The command's answer (its fields: docs/api.md).", mediaTypes: json, schema: route.answer },
            },
            errors: domainCodes,
          },
        ];
      case 'reaction': {
        const types = Object.keys(route.on);
        return [
          {
            fn,
            kind: 'reaction',
            method: 'POST',
            route: '/',
            summary: `${fn}: reacts to ${types.join(', ')}`,
            roles: ['service'],
            body: envelopeSchema,
            idempotent: false,
            description:
              `Called by the connector with one event envelope per delivery. Reacts to ${types.map((t) => `\`${t}\``).join(', ')}; ` +
              'any other type is answered 422 `unhandled_event` (stack.yml subscribes it to exactly these, so the connector dead-letters a stray one). ' +
              'The data is checked against the event registry (docs/asyncapi.json): 400 when it does not match, 422 `unknown_event_version` when newer than this code. ' +
              'Each event takes effect once: a redelivery is answered `{"outcome": "duplicate"}`.',
            responses: { 200: { description: '`{"outcome": "applied" | "duplicate"}`', mediaTypes: json, schema: reactionAnswer } },
            errors: [...domainCodes, 'unhandled_event', 'unknown_event_version'],
          },
        ];
      }
      case 'query':
        return [
          {
            fn,
            kind: 'query',
            method: 'GET',
            route: route.path,
            summary: `${fn} ${route.path}`,
            roles: route.roles,
            input: route.input,
            idempotent: false,
            ...(route.csv ? { description: 'With `Accept: text/csv`: every row (all pages) as CSV.' } : {}),
            responses: {
              200: {
                description: 'The record, or a page of `{items, nextCursor}` (fields: docs/api.md).',
                mediaTypes: route.csv ? [...json, 'text/csv'] : json,
                schema: route.answer,
              },
            },
            errors: ['not_found'],
          },
        ];
      case 'mount':
        return (route.describe ?? []).map((m: MountOperation): Op => ({
          fn,
          kind: 'mount',
          method: m.method,
          route: m.path,
          fixed: m.fixed,
          summary: m.summary,
          description: m.description,
          roles: m.roles,
          params: m.params,
          query: m.query,
          body: m.body,
          idempotent: false,
          responses: m.responses,
          errors: m.errors ?? [],
        }));
    }
  });
}

/** z.toJSONSchema of what a request may carry (the input side of transforms and defaults), or with
 *  `output` of what an answer holds. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _dialect, ...out } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  // Definitions inside a schema would resolve against the whole document once inlined there.
  if ('$defs' in out) throw new Error('openapi: a schema with $defs (a recursive one?) needs its definitions moved to components');
  return out;
}

function properties(schema: z.ZodType): { name: string; required: boolean; schema: JsonSchema }[] {
  const s = jsonSchema(schema);
  if (s.type !== 'object') throw new Error('openapi: parameters must be an object schema');
  const required = (s.required as string[] | undefined) ?? [];
  return Object.entries((s.properties as Record<string, JsonSchema> | undefined) ?? {}).map(([name, p]) => ({
    name,
    required: required.includes(name),
    schema: p,
  }));
}

/** fastify's `/orders/:id` as OpenAPI's `/orders/{id}`, fixed parameters written in. */
function openApiPath(op: Op): string {
  const route = op.route.replace(/:(\w+)/g, (_m, name: string) => op.fixed?.[name] ?? `{${name}}`);
  return `/function/${op.fn}${route === '/' ? '' : route}`;
}

function parameters(op: Op): (Parameter | { $ref: string })[] {
  const inPath = [...op.route.matchAll(/:(\w+)/g)].map((m) => m[1]!).filter((n) => op.fixed?.[n] === undefined);
  const out: (Parameter | { $ref: string })[] = [];
  const add = (schema: z.ZodType | undefined, where?: 'path' | 'query') => {
    for (const p of schema ? properties(schema) : []) {
      if (op.fixed?.[p.name] !== undefined) continue;
      const place = where ?? (inPath.includes(p.name) ? 'path' : 'query');
      out.push({ name: p.name, in: place, required: place === 'path' || p.required, schema: p.schema });
    }
  };
  add(op.input);
  add(op.params, 'path');
  add(op.query, 'query');
  for (const name of inPath) {
    if (!out.some((p) => 'in' in p && p.in === 'path' && p.name === name))
      throw new Error(`openapi: ${op.fn} ${op.route}: no schema for the path parameter ${name}`);
  }
  if (op.idempotent) out.push({ $ref: '#/components/parameters/IdempotencyKey' });
  return out;
}

/** The codes an operation may answer: those every route may, its role check, body parsing, its own. */
function errorCodes(op: Op): ErrorCode[] {
  const set = new Set<ErrorCode>(['validation_failed', 'unauthenticated', 'not_ready', 'internal', ...op.errors]);
  set.add('forbidden');
  if (op.body) for (const c of ['invalid_json', 'body_too_large', 'unsupported_media_type'] as const) set.add(c);
  return codes.filter((c) => set.has(c));
}

function errorSchema(only: readonly ErrorCode[]): z.ZodType {
  return z
    .object({
      error: z.object({ code: z.enum(only as [ErrorCode, ...ErrorCode[]]), message: z.string(), details: z.unknown().optional() }),
    })
    .meta({ description: only.map((c) => `\`${c}\` (${httpStatus(c)}): ${errorCatalogue[c].doc}`).join('\n') });
}

const statuses = [...new Set(codes.map(httpStatus))].sort((a, b) => a - b);

function rolesText(roles: readonly Role[]): string {
  return `Roles: ${roles.join(', ')} (any one of them).`;
}

function operation(op: Op, bodyRef: (op: Op) => string, answerRef: (op: Op, status: string, schema: z.ZodType) => string): OpenApiOperation {
  const responses: Record<string, Response> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    // A declared answer schema is the JSON answer's (the route's `answer`, a mount's `responses[status].schema`).
    const content = (t: string): Content => (r.schema && t === 'application/json' ? { schema: { $ref: answerRef(op, status, r.schema) } } : {});
    responses[status] = {
      description: r.description,
      ...(op.idempotent
        ? {
            headers: {
              'Idempotent-Replayed': { description: 'Present on the replay of a request with a known Idempotency-Key.', schema: jsonSchema(z.literal('true')) },
            },
          }
        : {}),
      content: Object.fromEntries(r.mediaTypes.map((t) => [t, content(t)])),
    };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of errorCodes(op)) byStatus.set(httpStatus(c), [...(byStatus.get(httpStatus(c)) ?? []), c]);
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: list.map((c) => `\`${c}\``).join(', '),
      content: { 'application/json': { schema: { $ref: `#/components/schemas/Error${status}` } } },
    };
  }
  const params = parameters(op);
  const idempotency = op.idempotent
    ? 'Accepts `Idempotency-Key`: a retry with the same key and body (compared as canonical JSON: key order and spacing do not matter) gets the first answer (`Idempotent-Replayed: true`) for at least 24 hours, after which the key is a new request; the same key with another body is 422 `idempotency_key_reused`. Keys are scoped per function and caller.'
    : undefined;
  return {
    operationId: `${op.method.toLowerCase()}_${openApiPath(op)
      .replace(/^\/function\//, '')
      .replace(/[^A-Za-z0-9]+/g, '_')}`,
    summary: op.summary,
    description: [rolesText(op.roles), op.description, idempotency].filter(Boolean).join('\n\n'),
    tags: [op.kind === 'command' ? 'commands' : op.kind === 'reaction' ? 'reactions' : op.fn],
    security: [{ bearer: [...op.roles] }],
    ...(params.length ? { parameters: params } : {}),
    ...(op.body ? { requestBody: { required: true as const, content: { 'application/json': { schema: { $ref: bodyRef(op) } } } } } : {}),
    responses,
    'x-erpbi': { function: op.fn, kind: op.kind, route: op.route, ...(op.fixed ? { fixed: { ...op.fixed } } : {}), roles: [...op.roles] },
  };
}

const pascal = (s: string) => s.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());

/** The whole document for these functions (all of functions/, in any order). */
export function openApiDocument(defs: readonly FunctionDefinition[], opts: { version: string }): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {};
  const named = new Map<z.ZodType, string>();
  // A body schema is one component, named once (the reactions share the envelope).
  const bodyRef = (op: Op): string => {
    const schema = op.body!;
    let name = named.get(schema);
    if (!name) {
      name = schema === envelopeSchema ? 'EventEnvelope' : `${pascal(op.fn)}${op.route === '/' ? '' : pascal(op.route)}Body`;
      if (schemas[name]) throw new Error(`openapi: two bodies named ${name}`);
      named.set(schema, name);
      schemas[name] = jsonSchema(schema);
    }
    return `#/components/schemas/${name}`;
  };
  // An answer schema is one component too, named after the first route answering it (a schema shared by
  // routes, the purchase order of a read and of the commands, is named once).
  const answerRef = (op: Op, status: string, schema: z.ZodType): string => {
    let name = named.get(schema);
    if (!name) {
      const route = op.route.replace(/:(\w+)/g, (_m, p: string) => op.fixed?.[p] ?? p);
      name =
        schema === reactionAnswer
          ? 'ReactionAnswer'
          : `${pascal(op.fn)}${route === '/' ? '' : pascal(route)}${op.method === 'GET' ? '' : 'Post'}${status === '200' ? '' : status}Answer`;
      if (schemas[name]) throw new Error(`openapi: two answers named ${name}`);
      named.set(schema, name);
      schemas[name] = jsonSchema(schema, 'output');
    }
    return `#/components/schemas/${name}`;
  };

  const paths: OpenApiDocument['paths'] = {};
  const tags = new Map<string, string | undefined>([
    ['commands', 'Each command is its own function: `POST /function/<name>` with a JSON body.'],
    ['reactions', 'Event reactions, invoked by the connector with the service role.'],
  ]);
  for (const def of [...defs].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const op of operations(def)) {
      const path = openApiPath(op);
      const method = op.method === 'GET' ? 'get' : 'post';
      const item = (paths[path] ??= {});
      if (item[method]) throw new Error(`openapi: ${op.method} ${path} is described twice`);
      item[method] = operation(op, bodyRef, answerRef);
      const tag = item[method].tags[0]!;
      if (!tags.has(tag)) tags.set(tag, undefined);
    }
  }

  schemas.Error = jsonSchema(errorSchema(codes));
  for (const status of statuses) schemas[`Error${status}`] = jsonSchema(errorSchema(codes.filter((c) => httpStatus(c) === status)));

  return {
    // No jsonSchemaDialect: OpenAPI 3.1's default dialect is JSON Schema 2020-12, what zod writes.
    openapi: '3.1.0',
    info: {
      title: 'erpbi',
      version: opts.version,
      description: [
        'Generated from the zod schemas the functions parse with (`shared/http/openapi.ts`); the prose contract is docs/api.md.',
        'Tokens: `Authorization: Bearer <JWT>` (Keycloak on the Pi; locally `npx erpbi token --role <role>`). ' +
          'Where an operation lists roles, a token with any one of them may call it.',
        'Amounts are integers in minor units. Text fields are trimmed before their length and pattern checks, which JSON Schema cannot say: ' +
          'surrounding whitespace is accepted and removed.',
        'Every error is `{"error": {"code", "message", "details"?}}`:',
        ['| code | status | meaning |', '| --- | --- | --- |', ...codes.map((c) => `| \`${c}\` | ${httpStatus(c)} | ${errorCatalogue[c].doc} |`)].join('\n'),
      ].join('\n\n'),
    },
    tags: [...tags].map(([name, description]) => (description ? { name, description } : { name })),
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'Makes a retry safe: the first answer is returned again, for at least 24 hours.',
          schema: jsonSchema(idempotencyKey),
        },
      },
      schemas,
    },
    'x-error-codes': Object.fromEntries(codes.map((c) => [c, { status: httpStatus(c), doc: errorCatalogue[c].doc }])) as OpenApiDocument['x-error-codes'],
  };
}
