import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildGateway, functionBodyLimits } from './gateway.js';
import { loadOrCreateKeys } from '../runtime/dev-issuer/issuer.js';

// A function between its death and its restart has no upstream: callers must get a retryable 503, not
// the 404 of a name that does not exist (the chaos suite's driver counted those as wrong answers).
describe('the gateway', () => {
  it('answers 503 not_ready for a function that is starting, 404 for an unknown name', async () => {
    const gateway = await buildGateway({ upstream: () => undefined, starting: (name) => name === 'create-order', waiting: () => ['create-order'] });
    try {
      const starting = await gateway.inject({ method: 'POST', url: '/function/create-order', payload: {} });
      expect([starting.statusCode, starting.json().error.code]).toEqual([503, 'not_ready']);
      const unknown = await gateway.inject({ method: 'POST', url: '/function/no-such', payload: {} });
      expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'not_found']);
      expect((await gateway.inject({ url: '/healthz' })).statusCode).toBe(503);
    } finally {
      await gateway.close();
    }
  });
});

/** A POST over a real socket (inject does not stream), on the agent's one keep-alive connection; `chunked` sends no Content-Length. */
function post(url: string, agent: Agent, body: string, chunked = false): Promise<{ status: number; connection?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': String(Buffer.byteLength(body)) }) };
    const req = request(url, { method: 'POST', agent, headers, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 5 s')));
    req.on('error', reject);
    if (chunked) for (let i = 0; i < body.length; i += 16_384) req.write(body.slice(i, i + 16_384));
    req.end(chunked ? undefined : body);
  });
}

// A function (Fastify, bodyLimit 100 kB) answers 413 from the Content-Length without reading the body
// and closes the connection. The gateway used to stream the body to it anyway and, its write failing
// (EPIPE) before it had read that answer, answered 502 instead; the unread rest of the body then held
// the client's keep-alive connection, so the client's next request there was never answered.
// tests/e2e/gateway-flow.test.ts ("a bad order is a 4xx") flaked so with 150 kB.
describe('the gateway and a body over the function limit', () => {
  const limit = 100 * 1024;
  async function setUp(gatewayLimit = limit) {
    const fn = Fastify({ bodyLimit: limit });
    const seen: number[] = [];
    fn.addHook('onRequest', async (req) => void seen.push(Number(req.headers['content-length'] ?? -1)));
    fn.post('/', async (req) => ({ bytes: JSON.stringify(req.body).length }));
    const fnUrl = await fn.listen({ host: '127.0.0.1', port: 0 });
    const gateway = await buildGateway({ upstream: (name) => (name === 'create-order' ? fnUrl : undefined), waiting: () => [], bodyLimit: () => gatewayLimit });
    const url = `${await gateway.listen({ host: '127.0.0.1', port: 0 })}/function/create-order`;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const close = async () => {
      agent.destroy();
      await gateway.close();
      await fn.close();
    };
    return { url, agent, seen, close };
  }
  const body = (kb: number) => JSON.stringify({ pad: 'x'.repeat(kb * 1024) });

  it('answers 413 body_too_large itself, without asking the function, and the connection stays usable', async () => {
    const { url, agent, seen, close } = await setUp();
    try {
      for (const kb of [150, 600, 3000]) {
        for (let i = 0; i < 10; i++) {
          const res = await post(url, agent, body(kb));
          expect([res.status, JSON.parse(res.body).error.code], `${kb} kB, try ${i}`).toEqual([413, 'body_too_large']);
          // The same connection answers the next request (up to 1 MiB the rest is read and dropped; above, it is closed).
          expect(res.connection).toBe(kb * 1024 > 1024 * 1024 ? 'close' : 'keep-alive');
          expect((await post(url, agent, body(1))).status).toBe(200);
        }
      }
      expect(seen.filter((n) => n > limit)).toEqual([]);
    } finally {
      await close();
    }
  });

  it('passes a body without Content-Length on up to the limit only, and answers 413 itself', async () => {
    const { url, agent, seen, close } = await setUp();
    try {
      expect((await post(url, agent, body(50), true)).status).toBe(200);
      for (let i = 0; i < 10; i++) {
        const res = await post(url, agent, body(600), true);
        expect([res.status, JSON.parse(res.body).error.code]).toEqual([413, 'body_too_large']);
        expect((await post(url, agent, body(1))).status).toBe(200);
      }
      expect(seen.filter((n) => n > limit)).toEqual([]);
    } finally {
      await close();
    }
  });

  // When the function's limit is below the gateway's all the same (set apart), its early answer still
  // cannot always be read: a 502, and the client's connection, whose body undici dropped half read, is
  // closed after it (a client still writing may then see the reset instead). But it must not hang.
  it('leaves no client connection stuck when the function hangs up on a body', async () => {
    const { url, agent, close } = await setUp(10 * 1024 * 1024);
    try {
      for (let i = 0; i < 10; i++) {
        const first = await post(url, agent, body(600)).then(
          (r) => r.status,
          (err: NodeJS.ErrnoException) => err.code ?? err.message,
        );
        expect([413, 502, 'ECONNRESET', 'EPIPE']).toContain(first);
        expect((await post(url, agent, body(1))).status).toBe(200);
      }
    } finally {
      await close();
    }
  });

  it("takes the functions' limits from their settings: BODY_LIMIT_BYTES, a batch function's /batch OLAP_BATCH_BODY_LIMIT_BYTES", () => {
    const limits = functionBodyLimits(
      [
        { name: 'project-to-olap', batch: 500 },
        { name: 'create-order', batch: undefined },
      ],
      {},
    );
    expect([limits('create-order', '/'), limits('project-to-olap', '/batch'), limits('project-to-olap', '/live'), limits('query', '/batch')]).toEqual([
      100 * 1024,
      32 * 1024 * 1024,
      100 * 1024,
      100 * 1024,
    ]);
    expect(functionBodyLimits([], { BODY_LIMIT_BYTES: '2048' })('create-order', '/')).toBe(2048);
  });
});

describe("the gateway's security headers (gateway/security-headers.ts)", () => {
  it('sets them on the workspace, its files, the docs page and the API, not on the dev issuer; no HSTS over plain HTTP', async () => {
    const web = mkdtempSync(join(tmpdir(), 'erpbi-gateway-web-'));
    mkdirSync(join(web, 'docs'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>erpbi</title>');
    writeFileSync(join(web, 'style.css'), 'body{}');
    writeFileSync(join(web, 'docs', 'index.html'), '<!doctype html><title>API</title>');
    const fn = Fastify();
    fn.get('/orders', async () => ({ items: [] }));
    const fnUrl = await fn.listen({ host: '127.0.0.1', port: 0 });
    const issuer = 'http://127.0.0.1:8080/issuer';
    const gateway = await buildGateway({
      upstream: (name) => (name === 'query' ? fnUrl : undefined),
      waiting: () => [],
      webDir: web,
      issuer: { issuer, audience: 'erpbi', keys: await loadOrCreateKeys(web), clientSecret: 'test' },
    });
    try {
      const csp =
        "default-src 'self'; connect-src 'self' blob: http://127.0.0.1:8080; img-src 'self' data:; style-src-attr 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self' http://127.0.0.1:8080";
      const expected = { 'content-security-policy': csp, 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
      for (const url of ['/', '/style.css', '/docs/', '/function/query/orders', '/function/query/nothing', '/function/no-such', '/healthz']) {
        const res = await gateway.inject({ url });
        expect(res.headers, url).toMatchObject(expected);
        expect(res.headers['strict-transport-security'], url).toBeUndefined();
      }
      expect((await gateway.inject({ url: '/function/query/orders' })).json()).toEqual({ items: [] });
      const discovery = await gateway.inject({ url: '/issuer/.well-known/openid-configuration' });
      expect(discovery.statusCode).toBe(200);
      expect(discovery.headers['content-security-policy']).toBeUndefined();
    } finally {
      await gateway.close();
      await fn.close();
      rmSync(web, { recursive: true, force: true });
    }
  });

  it('sets none where told not to (the compose gateway, behind Traefik)', async () => {
    const gateway = await buildGateway({ upstream: () => undefined, waiting: () => [], securityHeaders: false });
    try {
      expect((await gateway.inject({ url: '/healthz' })).headers['content-security-policy']).toBeUndefined();
    } finally {
      await gateway.close();
    }
  });
});
