import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { hasAnyRole, type Principal, type Role } from '../auth/roles.js';
import type { Verifier } from '../auth/verify.js';
import { envelopeSchema, parseEvent, type Event } from '../events/envelope.js';
import { runUnitOfWork, type Deps, type UnitOfWork } from '../unit-of-work.js';
import type { CommandRoute, FunctionDefinition, QueryRoute, ReactionContext, ReactionRoute } from './definition.js';
import { parseInput, toHttp } from './errors-to-http.js';
import { runIdempotent } from '../idempotency/idempotent.js';
import { defaultIdempotencyWindowMs } from '../idempotency/expiry.js';
import { firstDelivery } from '../events/inbox.js';
import { createMetrics } from './metrics.js';
import { prefersCsv, sendCsv } from './csv.js';
import { answerCheck } from './answer-check.js';
import type { AnswerCheck } from './answer-check-modes.js';

export interface AppOptions {
  deps: Deps;
  verify: Verifier;
  bodyLimit?: number;
  /** How long an Idempotency-Key's answer is replayed (shared/idempotency/expiry.ts); default 24 h. */
  idempotencyWindowMs?: number;
  /** Each success answer checked against its route's schema (shared/http/answer-check.ts); `off` when left out. */
  checkAnswers?: AnswerCheck;
}

export const idempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/** The function HTTP contract: health, metrics, JSON errors, auth, validation, then the routes. */
export function buildApp(def: FunctionDefinition, opts: AppOptions): FastifyInstance {
  const { deps } = opts;
  const metrics = createMetrics(def.name);
  const app = Fastify({
    bodyLimit: opts.bodyLimit ?? 100 * 1024,
    genReqId: (req) => {
      const given = req.headers['x-correlation-id'];
      return typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
    },
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-correlation-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.requestDuration.observe({ method: req.method, route, status: reply.statusCode }, reply.elapsedTime / 1000);
    if (route !== '/_/health' && route !== '/metrics') {
      deps.log.info({ correlationId: req.id, method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    }
  });
  app.setErrorHandler(async (err, req, reply) => {
    const { status, body, unexpected } = toHttp(err);
    if (unexpected) deps.log.error({ correlationId: req.id, err }, 'unexpected error');
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler(async (_req, reply) => reply.code(404).send({ error: { code: 'not_found', message: 'no such route' } }));

  app.get('/_/health', async () => ({ status: 'ok', function: def.name }));
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  // Roles are required: no route takes just any valid token (shared/auth/permissions.ts).
  const authorizeHeader = async (authorization: string | undefined, allowed: readonly Role[]): Promise<Principal> => {
    const principal = await opts.verify(authorization);
    if (!hasAnyRole(principal, allowed)) throw new AppError('forbidden', `this needs one of the roles: ${allowed.join(', ')}`);
    return principal;
  };
  const authorize = (req: FastifyRequest, allowed: readonly Role[]) => authorizeHeader(req.headers.authorization, allowed);

  // Before the routes, so it also holds for the mounts' own scopes.
  if (opts.checkAnswers && opts.checkAnswers !== 'off') app.addHook('preSerialization', answerCheck(def, deps.log, opts.checkAnswers));
  for (const route of def.routes) {
    if (route.kind === 'command') registerCommand(app, def.name, route, deps, authorize, opts.idempotencyWindowMs ?? defaultIdempotencyWindowMs);
    else if (route.kind === 'reaction') registerReaction(app, def.name, route, deps, authorize);
    else if (route.kind === 'mount') route.register(app, { deps, authorize: authorizeHeader, registry: metrics.registry });
    else registerQuery(app, route, deps, authorize);
  }
  return app;
}

type Authorize = (req: FastifyRequest, allowed: readonly Role[]) => Promise<Principal>;
const principals = new WeakMap<FastifyRequest, Principal>();

function registerCommand(app: FastifyInstance, fn: string, route: CommandRoute<z.ZodType>, deps: Deps, authorize: Authorize, windowMs: number) {
  // Authenticated in onRequest, before the body is read: no token is a 401 whatever the body.
  app.post(route.path ?? '/', { onRequest: async (req) => void principals.set(req, await authorize(req, route.roles)) }, async (req, reply) => {
    const actor = principals.get(req)!;
    const input = parseInput(route.body, req.body);
    const cause = { correlationId: req.id, causationId: null, actor: actor.sub };
    const status = route.successStatus ?? 200;
    const rawKey = req.headers['idempotency-key'];
    if (!route.idempotent || rawKey === undefined) {
      const body = await runUnitOfWork(deps, cause, (uow) => route.run(uow, input, actor));
      return reply.code(status).send(body);
    }
    const key = parseInput(idempotencyKey, rawKey);
    // Claim, replay, expiry and the body's canonical hash: shared/idempotency/.
    const answer = await runIdempotent(deps, cause, { scope: `${fn}${route.path ?? ''}:${actor.sub}`, key, body: req.body, status, windowMs }, (uow) =>
      route.run(uow, input, actor),
    );
    if (answer.replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(answer.status).send(answer.body);
  });
}

function registerReaction(app: FastifyInstance, fn: string, route: ReactionRoute, deps: Deps, authorize: Authorize) {
  app.post('/', { onRequest: async (req) => void (await authorize(req, ['service'])) }, async (req, reply) => {
    const received = parseInput(envelopeSchema, req.body);
    const handle = route.on[received.type] as ((uow: UnitOfWork, e: Event, ctx: ReactionContext) => Promise<void>) | undefined;
    // Subscribed (stack.yml) but not handled: a deployment mistake, dead-lettered where it shows, not a silent 200.
    if (!handle)
      throw new AppError('unhandled_event', `${fn} does not handle ${received.type}: its subscriptions and its handlers disagree`, { type: received.type });
    const event = parseEvent(received);
    const cause = { correlationId: event.correlationId, causationId: event.id, actor: `service:${fn}` };
    const outcome = await runUnitOfWork(deps, cause, async (uow) => {
      if (!(await firstDelivery(uow.tx, fn, event.id))) return 'duplicate';
      await handle(uow, event, { db: deps.db, log: deps.log });
      return 'applied';
    });
    return reply.code(200).send({ outcome });
  });
}

function registerQuery(app: FastifyInstance, route: QueryRoute<z.ZodType>, deps: Deps, authorize: Authorize) {
  app.get(route.path, async (req, reply) => {
    const actor = await authorize(req, route.roles);
    const input = parseInput(route.input, { ...(req.query as object), ...(req.params as object) });
    // CSV export (shared/http/csv.ts): same input, checked above; the answer depends on Accept.
    if (route.csv) {
      reply.header('vary', 'accept');
      if (prefersCsv(req.headers.accept)) {
        const { name, columns, rows } = route.csv;
        return sendCsv(reply, { name, columns: columns(actor), rows: rows(deps.db, input, actor) }, deps.log);
      }
    }
    const found = await route.run(deps.db, input, actor);
    if (found === undefined) throw new AppError('not_found', 'no such record');
    return found;
  });
}
