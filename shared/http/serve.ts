import { setPriority } from 'node:os';
import { functionConfig, natsCredentials } from '../config.js';
import { createPool } from '../db/pool.js';
import { connectBus } from '../events/bus.js';
import { createVerifier } from '../auth/verify.js';
import { rootLogger } from '../log.js';
import { announceListening, stopOnSignal } from '../lifecycle.js';
import { buildApp } from './app.js';
import { surviveDependencyOutages } from '../dependency-outage.js';
import type { FunctionDefinition } from './definition.js';

/** The bundle's entry: the upstream that of-watchdog (http mode) or runtime/ runs. */
export async function serve(def: FunctionDefinition): Promise<void> {
  const config = functionConfig({ FUNCTION_NAME: def.name, ...process.env }, { postgres: def.postgres !== false });
  const log = rootLogger.child({ fn: def.name });
  // Only ever lower (a process may raise its own nice value without privileges, never lower it).
  if (config.CPU_NICE > 0) setPriority(config.CPU_NICE);
  // Postgres, NATS or object storage going away must not end the function (shared/dependency-outage.ts).
  surviveDependencyOutages(log);
  // pg connects on the first query only, so a function without Postgres holds an idle, unused pool.
  const db = createPool(config.DATABASE_URL ?? 'postgres://unused.invalid/none', config.PG_POOL_MAX);
  const bus = await connectBus(config.NATS_URL, def.name, { service: true, credentials: natsCredentials(config) });
  const verify = createVerifier({
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    rolesClaim: config.AUTH_ROLES_CLAIM,
    serviceClient: config.CLIENT_ID,
    jwksUrl: config.AUTH_JWKS_URL,
  });
  const app = buildApp(def, {
    deps: { db, js: bus.js, prefix: config.EVENTS_PREFIX, stream: config.EVENTS_STREAM, log },
    verify,
    bodyLimit: config.BODY_LIMIT_BYTES,
    idempotencyWindowMs: config.IDEMPOTENCY_WINDOW_HOURS * 3600_000,
    checkAnswers: config.CHECK_ANSWERS,
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  announceListening(app.server.address());
  log.info({ port: config.PORT }, 'listening');
  stopOnSignal([() => app.close(), () => bus.nc.drain(), () => db.end()]);
}
