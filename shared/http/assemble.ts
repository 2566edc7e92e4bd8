import type { FastifyInstance } from 'fastify';
import { functionConfig, natsCredentials, type Config } from '../config.js';
import { createPool } from '../db/pool.js';
import { connectBus } from '../events/bus.js';
import { publishedMarksOf } from '../events/outbox.js';
import { createVerifier } from '../auth/verify.js';
import type { Logger } from '../log.js';
import { runSteps } from '../lifecycle.js';
import { buildApp } from './app.js';
import type { FunctionDefinition } from './definition.js';

/** What a function holds for its whole life: made once per process (serve.ts) or per Lambda container (lambda.ts). */
export interface FunctionParts {
  app: FastifyInstance;
  /** In order: the app, then NATS (drained: what was published is flushed), then the marks of published rows, then the pool. */
  closeSteps: (() => Promise<unknown>)[];
  /** Runs closeSteps, each whatever became of the one before. */
  close: () => Promise<void>;
}

/** The function's settings, read and checked once; `postgres: false` functions need no DATABASE_URL. */
export function functionSettings(def: FunctionDefinition, env: NodeJS.ProcessEnv = process.env): Config {
  return functionConfig({ FUNCTION_NAME: def.name, ...env }, { postgres: def.postgres !== false });
}

/**
 * The pool, the bus, the token verifier and the fastify app, the same wherever the function runs.
 * `waitForNats`: a long-running process waits for a nats-server that is not up yet; a Lambda invoke
 * fails at once instead (its caller retries, and the next invoke tries again) rather than spend its
 * whole timeout waiting. `lambda`: a container frozen once it answers, so a unit of work marks its
 * published rows before it returns instead of leaving them to the next one (shared/events/outbox.ts).
 */
export async function assembleFunction(
  def: FunctionDefinition,
  config: Config,
  log: Logger,
  opts: { waitForNats: boolean; lambda?: boolean },
): Promise<FunctionParts> {
  // pg connects on the first query only, so a function without Postgres holds an idle, unused pool.
  const db = createPool(config.DATABASE_URL ?? 'postgres://unused.invalid/none', config.PG_POOL_MAX);
  const bus = await connectBus(config.NATS_URL, def.name, { service: opts.waitForNats, credentials: natsCredentials(config) });
  const verify = createVerifier({
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    rolesClaim: config.AUTH_ROLES_CLAIM,
    serviceClient: config.CLIENT_ID,
    jwksUrl: config.AUTH_JWKS_URL,
  });
  const app = buildApp(def, {
    deps: { db, js: bus.js, prefix: config.EVENTS_PREFIX, stream: config.EVENTS_STREAM, log, markPublishedAtOnce: opts.lambda === true },
    verify,
    bodyLimit: config.BODY_LIMIT_BYTES,
    idempotencyWindowMs: config.IDEMPOTENCY_WINDOW_HOURS * 3600_000,
    checkAnswers: config.CHECK_ANSWERS,
  });
  const closeSteps = [() => app.close(), () => bus.nc.drain(), () => publishedMarksOf(db).flush(), () => db.end()];
  return { app, closeSteps, close: () => runSteps(closeSteps) };
}
