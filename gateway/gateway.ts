import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import replyFrom from '@fastify/reply-from';
import { AppError, errorBody } from '../shared/errors.js';
import { toHttp } from '../shared/http/errors-to-http.js';
import { readConfig } from '../shared/config.js';
import type { StackFunction } from '../shared/stack.js';
import { registerDevIssuer, type DevIssuerOptions } from '../runtime/dev-issuer/dev-issuer.js';
import { securityHeaders } from './security-headers.js';
import { isImportRoute } from '../shared/import/limits.js';

export interface GatewayOptions {
  /** The base URL of a function (http://127.0.0.1:<port>, http://<name>:8080), or undefined for an unknown name. */
  upstream: (name: string) => string | undefined;
  /** Names of processes not healthy yet; empty means ready. */
  waiting: () => string[];
  /** A function that exists but has no upstream right now (restarting): 503 not_ready, retried, instead of 404. */
  starting?: (name: string) => boolean;
  /** `npm start` also serves the dev issuer and the workspace; the compose gateway only routes. */
  issuer?: DevIssuerOptions;
  webDir?: string;
  /**
   * The largest body the function takes at this path (name, path without the query): the gateway
   * answers 413 body_too_large itself above it, before the function is asked. Default: the functions'
   * own default limits, `functionBodyLimits()`.
   */
  bodyLimit?: BodyLimit;
  /**
   * Set on every answer but the dev issuer's (gateway/security-headers.ts): by default those of
   * `npm start` (plain HTTP, the dev issuer's origin). `false` for the compose gateway, behind Traefik,
   * which sets them on the Pi.
   */
  securityHeaders?: Record<string, string> | false;
}

export type BodyLimit = (name: string, path: string) => number;

/**
 * The limits the functions apply themselves (shared/config.ts, read from the same environment):
 * BODY_LIMIT_BYTES on every route, OLAP_BATCH_BODY_LIMIT_BYTES on /batch of the batch functions
 * (stack.yml's erpbi.batch: the projector, fed by the connector through the gateway), and
 * IMPORT_BODY_LIMIT_BYTES on the CSV imports (shared/import/limits.ts).
 */
export function functionBodyLimits(stack: readonly Pick<StackFunction, 'name' | 'batch'>[] = [], env: NodeJS.ProcessEnv = process.env): BodyLimit {
  const limits = readConfig(['BODY_LIMIT_BYTES', 'OLAP_BATCH_BODY_LIMIT_BYTES', 'IMPORT_BODY_LIMIT_BYTES'], { env });
  const batch = new Set(stack.filter((f) => f.batch).map((f) => f.name));
  return (name, path) => {
    if (batch.has(name) && path === '/batch') return limits.OLAP_BATCH_BODY_LIMIT_BYTES;
    return isImportRoute(name, path) ? limits.IMPORT_BODY_LIMIT_BYTES : limits.BODY_LIMIT_BYTES;
  };
}

const tooLarge = (limit: number) => new AppError('body_too_large', `the body is larger than the limit of ${limit} bytes`);

// The rest of a body the answer did not need is read and dropped (up to this much), so the client
// reads the answer and the connection stays usable; a longer (or unknown) rest closes the connection
// after the answer instead, as Fastify does over its limit. Not read, it would either hold the
// keep-alive connection (the client's next request never parsed) or, closed with unread data, reset
// it: a client still writing then loses the answer.
const drainUpTo = 1024 * 1024;
function leaveBody(req: FastifyRequest, reply: { header: (key: string, value: string) => unknown }) {
  const raw = req.raw;
  // Complete is not enough: what was received but not read still holds the socket paused.
  if (raw.readableEnded) return;
  const declared = Number(raw.headers['content-length']);
  // Destroyed: the upstream client (undici) gave up on the body and destroyed it, it cannot be read.
  if (raw.destroyed || (!raw.complete && !(declared <= drainUpTo))) reply.header('connection', 'close');
  raw.unpipe();
  raw.resume();
}

// A body without a Content-Length (chunked) is passed on only up to the limit: the function would
// answer 413 and close the connection while the gateway is still writing to it (see the proxy).
function capped(raw: Readable, limit: number, over: () => void): Readable {
  let seen = 0;
  const out = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen <= limit) return cb(null, chunk);
      over();
      raw.unpipe(out);
      cb(tooLarge(limit));
    },
  });
  return raw.pipe(out);
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.map': 'application/json',
};

/** A stand-in for the OpenFaaS gateway: /function/<name>[/<path>] and /healthz; for `npm start` also the dev issuer and the web page. */
export async function buildGateway(opts: GatewayOptions): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: 1024 * 1024 });
  await app.register(replyFrom, { undici: { connections: 64, pipelining: 1, keepAliveTimeout: 60_000 } });
  // Bodies stream through untouched: the function parses and validates them; the gateway only
  // holds them to the function's size limit (bodyLimit, in the proxy below).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  const bodyLimit = opts.bodyLimit ?? functionBodyLimits();
  app.setErrorHandler(async (err, req, reply) => {
    leaveBody(req, reply);
    const { status, body } = toHttp(err);
    return reply.code(status).send(body);
  });

  const headers = opts.securityHeaders ?? securityHeaders({ issuer: opts.issuer?.issuer, https: false });
  if (headers) {
    // The dev issuer's sign-in page stands in for Keycloak's, which has its own policy (an inline style).
    const issuerPath = opts.issuer ? new URL(opts.issuer.issuer).pathname.replace(/\/$/, '') : '';
    const isIssuer = (url: string) => issuerPath !== '' && (url === issuerPath || url.startsWith(`${issuerPath}/`) || url.startsWith(`${issuerPath}?`));
    app.addHook('onSend', async (req, reply) => {
      if (!isIssuer(req.url)) reply.headers(headers);
    });
  }

  app.get('/healthz', async (_req, reply) => {
    const waiting = opts.waiting();
    return reply.code(waiting.length ? 503 : 200).send({ status: waiting.length ? 'starting' : 'ok', waiting });
  });

  const proxy = async (req: FastifyRequest, reply: FastifyReply) => {
    const { name } = req.params as { name: string };
    const base = opts.upstream(name);
    if (!base && opts.starting?.(name)) throw new AppError('not_ready', `function ${name} is starting`);
    if (!base) throw new AppError('not_found', `no function ${name}`);
    const rest = req.url.slice(`/function/${name}`.length) || '/';
    const path = rest.startsWith('/') ? rest : `/${rest}`;
    // The function's own limit, checked here first. Over it, a function answers 413 from the
    // Content-Length without reading the body and closes the connection (Fastify); the gateway, still
    // streaming the body to it, then fails its write (EPIPE) and undici drops the request before it
    // has read that answer: a 502 instead of the 413, by timing (tests/e2e/gateway-flow.test.ts
    // flaked so), and the client's connection was left holding the unread rest of the body.
    const limit = bodyLimit(name, path.split('?')[0]!);
    if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge(limit);
    let over = false;
    if (req.headers['content-length'] === undefined && req.body && typeof (req.body as Readable).pipe === 'function') {
      req.body = capped(req.raw, limit, () => (over = true));
    }
    return reply.from(`${base}${path}`, {
      onError: (r) => {
        leaveBody(req, r);
        if (over) return r.code(413).send(errorBody(tooLarge(limit)));
        return r.code(502).send(errorBody(new AppError('not_ready', `function ${name} is not answering`)));
      },
    });
  };
  app.all('/function/:name', proxy);
  app.all('/function/:name/*', proxy);

  if (opts.issuer) registerDevIssuer(app, opts.issuer);
  const webDir = opts.webDir;
  if (!webDir) return app;

  // The workspace as built into build/web (npm run build): the same files the Pi's web server serves.
  app.get('/*', async (req, reply) => {
    const path = (req.params as { '*': string })['*'] || 'index.html';
    let file = normalize(join(webDir, path));
    // A folder answers with its index.html, as nginx does on the Pi: /docs and /docs/ are the API docs page.
    if (file.startsWith(webDir) && existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(webDir) || !existsSync(file) || !statSync(file).isFile()) throw new AppError('not_found', 'no such page');
    // The page is always asked again (a new build takes effect at once); its scripts may be cached briefly.
    const cache = extname(file) === '.html' || file.endsWith('config.json') ? 'no-cache' : 'public, max-age=300';
    return reply
      .type(types[extname(file)] ?? 'application/octet-stream')
      .header('cache-control', cache)
      .send(readFileSync(file));
  });
  return app;
}
