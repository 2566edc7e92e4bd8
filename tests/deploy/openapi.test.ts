import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
// @ts-expect-error: plain JS build script
import { buildApiDocs } from '../../esbuild.config.mjs';
import { commandRoles } from '../../shared/auth/permissions.js';
import { errorCatalogue, httpStatus, type ErrorCode } from '../../shared/errors.js';
import { buildApp } from '../../shared/http/app.js';
import { defineFunction, mount, type FunctionDefinition } from '../../shared/http/definition.js';
import { openApiDocument, type OpenApiDocument, type OpenApiOperation } from '../../shared/http/openapi.js';
import type { Deps } from '../../shared/unit-of-work.js';
import { queryParams } from '../../functions/project-to-olap/schema.js';
import { buildGateway } from '../../gateway/gateway.js';
import { loadDefinitions } from '../support/harness.js';
import { createAjv } from '../support/openapi-check.js';
import { readYaml, root } from './support.js';

// /openapi.json against what the functions serve, against docs/api.md, and as the build writes it and
// the box and the Pi serve it. No services needed: apps are built, never called.

// Every route an app registers, through fastify's onRoute hook: buildApp makes its own instance.
const registered = vi.hoisted(() => new WeakMap<object, { method: string; url: string }[]>());
vi.mock('fastify', async (importOriginal) => {
  const mod = await importOriginal<typeof import('fastify')>();
  const recording = (opts?: Parameters<typeof mod.default>[0]) => {
    const app = mod.default(opts);
    const routes: { method: string; url: string }[] = [];
    registered.set(app, routes);
    app.addHook('onRoute', (r) => void routes.push(...[r.method].flat().map((method) => ({ method, url: r.url }))));
    return app;
  };
  return { ...mod, default: recording };
});

// Probes and Prometheus' scrape: every function has them, they are not the API (metrics are box-only on the Pi).
const infrastructure = new Set(['/_/health', '/metrics']);

async function servedRoutes(def: FunctionDefinition): Promise<string[]> {
  const deps = { log: pino({ level: 'silent' }) } as unknown as Deps;
  const app = buildApp(def, { deps, verify: async () => Promise.reject(new Error('not called')) });
  const routes = registered.get(app)!;
  await app.close();
  return routes.filter((r) => r.method !== 'HEAD' && !infrastructure.has(r.url)).map((r) => `${r.method} ${def.name} ${r.url}`);
}

const operationsOf = (doc: OpenApiDocument) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]: [string, OpenApiOperation]) => ({ path, method: method.toUpperCase(), op })),
  );
const documentedRoutes = (doc: OpenApiDocument) =>
  new Set(operationsOf(doc).map(({ method, op }) => `${method} ${op['x-erpbi'].function} ${op['x-erpbi'].route}`));

/** Served but not documented, documented but not served. */
async function disagreements(defs: FunctionDefinition[]) {
  const doc = openApiDocument(defs, { version: 'test' });
  const served = new Set((await Promise.all(defs.map(servedRoutes))).flat());
  const documented = documentedRoutes(doc);
  return { undocumented: [...served].filter((r) => !documented.has(r)), unserved: [...documented].filter((r) => !served.has(r)), served };
}

let defs: FunctionDefinition[];
let doc: OpenApiDocument;
const olapDir = mkdtempSync(join(tmpdir(), 'erpbi-openapi-'));
process.env.OLAP_FILE = join(olapDir, 'never-opened.duckdb'); // the projector's mount names its file when registered

beforeAll(async () => {
  defs = await loadDefinitions();
  doc = openApiDocument(defs, { version: 'test' });
});
afterAll(() => rmSync(olapDir, { recursive: true, force: true }));

describe('/openapi.json and the routes the functions serve', () => {
  it('documents every route a function serves, and serves every documented one', async () => {
    const { undocumented, unserved, served } = await disagreements(defs);
    expect(undocumented, 'served, not in openapi.json (a mount route needs a `describe` entry)').toEqual([]);
    expect(unserved, 'in openapi.json, not served').toEqual([]);
    expect(served.size).toBeGreaterThan(20);
  });

  it('fails for a mount route left out of `describe`', async () => {
    const sneaky = defineFunction({ name: 'sneaky', routes: [mount({ register: (app: FastifyInstance) => void app.get('/hidden', async () => ({})) })] });
    expect((await disagreements([sneaky])).undocumented).toEqual(['GET sneaky /hidden']);
  });

  it('documents each BI query the projector answers on a path of its own, each with text/csv', () => {
    const bi = operationsOf(doc).filter(({ op }) => op['x-erpbi'].function === 'project-to-olap' && op['x-erpbi'].route === '/query/:name');
    expect(bi.map(({ path }) => path).sort()).toEqual(
      Object.keys(queryParams)
        .map((n) => `/function/project-to-olap/query/${n}`)
        .sort(),
    );
    for (const { op } of bi) expect(Object.keys(op.responses['200']!.content!)).toEqual(['application/json', 'text/csv']);
  });

  it('documents text/csv on every list read', () => {
    const csv = operationsOf(doc).filter(({ op }) => op['x-erpbi'].function === 'query' && op.responses['200']?.content?.['text/csv']);
    const lists = [
      'customers',
      'employees',
      'invoices',
      'orders',
      'products',
      'stock',
      'suppliers',
      'ledger/journal',
      'ledger/trial-balance',
      'ledger/receivables',
    ];
    expect(csv.map(({ path }) => path).sort()).toEqual(lists.map((r) => `/function/query/${r}`).sort());
  });

  it('gives each command its roles and Idempotency-Key, each reaction the service role and the envelope', () => {
    for (const { path, op } of operationsOf(doc)) {
      const { kind, function: fn, roles, route } = op['x-erpbi'];
      if (kind === 'command') {
        // a function's further commands are keyed by their path (render-document/send)
        expect(roles, path).toEqual(commandRoles[(route === '/' ? fn : `${fn}${route}`) as keyof typeof commandRoles]);
        expect(op.parameters, path).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
      }
      if (kind === 'reaction') {
        expect(roles, path).toEqual(['service']);
        expect(op.requestBody?.content['application/json'].schema.$ref, path).toBe('#/components/schemas/EventEnvelope');
      }
      expect(op.security, path).toEqual([{ bearer: roles ?? [] }]);
    }
  });
});

describe('/openapi.json as a document', () => {
  it('is OpenAPI 3.1 whose schemas ajv compiles as JSON Schema 2020-12, with every $ref resolving', () => {
    expect(doc.openapi).toBe('3.1.0');
    const ajv = createAjv();
    const schemas: unknown[] = [...Object.values(doc.components.schemas), ...Object.values(doc.components.parameters).map((p) => p.schema)];
    for (const { op } of operationsOf(doc)) {
      for (const p of op.parameters ?? []) if ('schema' in p) schemas.push(p.schema);
      for (const r of Object.values(op.responses)) for (const h of Object.values(r.headers ?? {})) schemas.push(h.schema);
    }
    for (const s of schemas) expect(() => ajv.compile(s as object)).not.toThrow();

    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of new Set(refs.map((r) => r.slice(8, -1)))) {
      const target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      expect(target, ref).toBeDefined();
    }
    const ids = operationsOf(doc).map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, op } of operationsOf(doc)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const params = (op.parameters ?? []).filter((p) => 'in' in p && p.in === 'path').map((p) => ('name' in p ? p.name : ''));
      expect(params.sort(), path).toEqual(inPath);
    }
  });

  it('has every error code of the catalogue, with its status, in the error shape', () => {
    const codes = Object.keys(errorCatalogue) as ErrorCode[];
    expect(doc['x-error-codes']).toEqual(Object.fromEntries(codes.map((c) => [c, { status: httpStatus(c), doc: errorCatalogue[c].doc }])));
    const codeEnum = (name: string) => ((doc.components.schemas[name] as any).properties.error.properties.code.enum as string[]).sort();
    expect(codeEnum('Error')).toEqual([...codes].sort());
    for (const status of new Set(codes.map(httpStatus))) expect(codeEnum(`Error${status}`)).toEqual(codes.filter((c) => httpStatus(c) === status).sort());
  });
});

describe('docs/api.md and /openapi.json', () => {
  const api = readFileSync(join(root, 'docs', 'api.md'), 'utf8');

  it('list the same routes with the same roles', () => {
    const inDocs = [...api.matchAll(/^\| (GET|POST) \| `([^`]+)` \| ([^|]+?) \|$/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    const inDocument = operationsOf(doc).map(({ path, method, op }) => `${method} ${path} ${op['x-erpbi'].roles?.join(', ') ?? 'any token'}`);
    expect(new Set(inDocs).size, 'a route listed twice in docs/api.md').toBe(inDocs.length);
    expect(
      inDocs.filter((r) => !inDocument.includes(r)),
      'in docs/api.md, not in openapi.json',
    ).toEqual([]);
    expect(
      inDocument.filter((r) => !inDocs.includes(r)),
      'in openapi.json, not in docs/api.md',
    ).toEqual([]);
  });

  it('list the same error codes with the same statuses', () => {
    const inDocs = Object.fromEntries([...api.matchAll(/^\| `(\w+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]));
    expect(inDocs).toEqual(Object.fromEntries(Object.entries(doc['x-error-codes']).map(([code, e]) => [code, e.status])));
  });
});

describe('the build writes openapi.json and /docs/, the box and the Pi serve them', () => {
  const out = mkdtempSync(join(tmpdir(), 'erpbi-apidocs-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes the generated document and the Swagger UI page, with no inline script and nothing from another origin', async () => {
    await (buildApiDocs as (o: { outDir: string; quiet: boolean }) => Promise<void>)({ outDir: out, quiet: true });
    expect(JSON.parse(readFileSync(join(out, 'openapi.json'), 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(openApiDocument(defs, { version: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version }))),
    );
    const page = readFileSync(join(out, 'docs', 'index.html'), 'utf8');
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/\bstyle=|<style/);
    const urls = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    for (const u of urls) {
      expect(u, 'same origin only').toMatch(/^\/(?!\/)/);
      if (u.startsWith('/docs/')) expect(existsSync(join(out, u)), u).toBe(true);
    }
    expect(readFileSync(join(out, 'docs', 'init.js'), 'utf8')).toContain("url: '/openapi.json'");
    // Swagger UI is not workspace JS: the budget counts esbuild's workspace outputs only, none under docs/.
    const meta = join(root, 'build', 'web-meta.json');
    if (existsSync(meta)) expect(Object.keys(JSON.parse(readFileSync(meta, 'utf8'))).filter((f) => f.includes('/docs/'))).toEqual([]);
  }, 120_000);

  it('the npm start gateway serves /openapi.json and /docs from build/web', async () => {
    const gateway = await buildGateway({ upstream: () => undefined, waiting: () => [], webDir: out });
    try {
      const spec = await gateway.inject({ url: '/openapi.json' });
      expect(spec.statusCode).toBe(200);
      expect(spec.headers['content-type']).toContain('application/json');
      for (const url of ['/docs', '/docs/']) {
        const res = await gateway.inject({ url });
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['content-type'], url).toContain('text/html');
        expect(res.body).toContain('/docs/init.js');
      }
      for (const [url, type] of [
        ['/docs/init.js', 'javascript'],
        ['/docs/swagger-ui-bundle.js', 'javascript'],
        ['/docs/swagger-ui.css', 'text/css'],
      ] as const) {
        const res = await gateway.inject({ url });
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['content-type'], url).toContain(type);
      }
    } finally {
      await gateway.close();
    }
  });

  it("on the Pi, Traefik sends /openapi.json and /docs to the web service, stock nginx serving build/web's files as they are", () => {
    const routers = readYaml('compose/traefik/dynamic.yml').http.routers as Record<string, { rule: string; service: string }>;
    for (const [name, r] of Object.entries(routers)) {
      if (r.service === 'web' || /Host\(`(auth|grafana)\./.test(r.rule)) continue;
      const matchers = [...r.rule.matchAll(/(PathPrefix|Path|PathRegexp)\(`([^`]+)`\)/g)];
      expect(matchers.length, `${name} takes every path of the box`).toBeGreaterThan(0);
      const claims = (url: string) =>
        matchers.some(([, kind, v]) => (kind === 'Path' ? url === v : kind === 'PathPrefix' ? url.startsWith(v!) : new RegExp(v!).test(url)));
      for (const url of ['/openapi.json', '/docs', '/docs/', '/docs/init.js']) expect(claims(url), `${name} claims ${url}`).toBe(false);
    }
    expect(routers.web!.rule).not.toMatch(/Path/);
    // No nginx configuration of our own: no SPA fallback that could answer /openapi.json with index.html.
    for (const file of ['compose/docker-compose.base.yml', 'compose/docker-compose.faasd-extras.yml']) {
      const web = readYaml(file).services.web;
      expect(web.image, file).toMatch(/nginx/);
      const mounts = (web.volumes as (string | { source: string; target: string })[]).map((v) =>
        typeof v === 'string' ? { source: v.split(':')[0]!, target: v.split(':')[1]! } : v,
      );
      expect(mounts.find((m) => m.target === '/usr/share/nginx/html')?.source, file).toMatch(/build\/web$/);
      expect(
        mounts.filter((m) => m.target.startsWith('/etc/nginx')),
        file,
      ).toEqual([]);
    }
  });
});
