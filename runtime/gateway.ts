import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import replyFrom from '@fastify/reply-from';
import { z } from 'zod';
import { AppError, errorBody } from '../shared/errors.js';
import { toHttp } from '../shared/http/errors-to-http.js';
import { discoveryDocument, signToken, type IssuerKeys } from './issuer.js';
import { registerCodeFlow } from './code-flow.js';

export interface GatewayOptions {
  /** Where a function listens, or undefined for an unknown name. */
  upstream: (name: string) => number | undefined;
  /** Names of processes not healthy yet; empty means ready. */
  waiting: () => string[];
  issuer: string;
  audience: string;
  keys: IssuerKeys;
  clientSecret: string;
  webDir: string;
}

const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png', '.map': 'application/json' };

/** The local stand-in for the OpenFaaS gateway: /function/<name>[/<path>], /healthz, the dev issuer, the web page. */
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
    const port = opts.upstream(name);
    if (!port) throw new AppError('not_found', `no function ${name}`);
    const rest = req.url.slice(`/function/${name}`.length) || '/';
    return reply.from(`http://127.0.0.1:${port}${rest.startsWith('/') ? rest : `/${rest}`}`, {
      onError: (r) => r.code(502).send(errorBody(new AppError('not_ready', `function ${name} is not answering`))),
    });
  };
  app.all('/function/:name', proxy);
  app.all('/function/:name/*', proxy);

  // Dev issuer (OIDC discovery, JWKS, client-credentials token for the connector).
  app.get('/issuer/.well-known/openid-configuration', async () => discoveryDocument(opts.issuer));
  app.get('/issuer/jwks', async () => ({ keys: [opts.keys.publicJwk] }));
  const codeFlow = registerCodeFlow(app, opts);
  const tokenForm = z.object({ grant_type: z.literal('client_credentials'), client_id: z.literal('erpbi-connector'), client_secret: z.string() });
  app.post('/issuer/token', async (req, reply) => {
    let raw = '';
    for await (const chunk of req.body as AsyncIterable<Buffer>) if ((raw += chunk).length > 4096) break;
    const fields = Object.fromEntries(new URLSearchParams(raw));
    if (fields.grant_type === 'authorization_code') return codeFlow.exchange(fields, reply);
    const form = tokenForm.safeParse(fields);
    if (!form.success || form.data.client_secret !== opts.clientSecret) {
      return reply.code(401).send({ error: 'invalid_client' });
    }
    const ttl = 600;
    const token = await signToken(opts.keys, { issuer: opts.issuer, audience: opts.audience, sub: 'erpbi-connector', roles: ['service'], ttlSeconds: ttl });
    return { access_token: token, token_type: 'Bearer', expires_in: ttl };
  });

  // The workspace as built into build/web (npm run build): the same files the Pi's web server serves.
  app.get('/*', async (req, reply) => {
    const path = (req.params as { '*': string })['*'] || 'index.html';
    const file = normalize(join(opts.webDir, path));
    if (!file.startsWith(opts.webDir) || !existsSync(file) || !statSync(file).isFile()) throw new AppError('not_found', 'no such page');
    // The page is always asked again (a new build takes effect at once); its scripts may be cached briefly.
    const cache = extname(file) === '.html' || file.endsWith('config.json') ? 'no-cache' : 'public, max-age=300';
    return reply.type(types[extname(file)] ?? 'application/octet-stream').header('cache-control', cache).send(readFileSync(file));
  });
  return app;
}
