import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import replyFrom from '@fastify/reply-from';
import { AppError, errorBody } from '../shared/errors.js';
import { toHttp } from '../shared/http/errors-to-http.js';
import { registerDevIssuer, type DevIssuerOptions } from './dev-issuer.js';

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
}

const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png', '.map': 'application/json' };

/** A stand-in for the OpenFaaS gateway: /function/<name>[/<path>] and /healthz; for `npm start` also the dev issuer and the web page. */
export async function buildGateway(opts: GatewayOptions): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: 1024 * 1024 });
  await app.register(replyFrom, { undici: { connections: 64, pipelining: 1, keepAliveTimeout: 60_000 } });
  // Bodies stream through untouched: the function limits, parses and validates them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  app.setErrorHandler(async (err, _req, reply) => {
    const { status, body } = toHttp(err);
    return reply.code(status).send(body);
  });

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
    return reply.from(`${base}${rest.startsWith('/') ? rest : `/${rest}`}`, {
      onError: (r) => r.code(502).send(errorBody(new AppError('not_ready', `function ${name} is not answering`))),
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
    return reply.type(types[extname(file)] ?? 'application/octet-stream').header('cache-control', cache).send(readFileSync(file));
  });
  return app;
}
