import Fastify from 'fastify';
import { z } from 'zod';
import { createPool } from '../shared/db/pool.js';
import { connectBus, ensureStreams } from '../shared/events/bus.js';
import { announceListening, stopOnSignal } from '../shared/lifecycle.js';
import { rootLogger } from '../shared/log.js';
import { secret } from '../shared/secrets.js';
import { startConnector } from './connector.js';
import { startBatchFeeds } from './batch-feed.js';
import { createConnectorMetrics } from './metrics.js';
import { serviceTokenSource } from './service-token.js';
import { readStack } from './stack.js';
import { startSweeper } from './sweeper.js';
import { startPruner } from './pruner.js';
import { retentionFor, retentionSettings } from './retention.js';

// The connector process: stack.yml's topics -> function invocations, plus the outbox sweeper and the pruner.
const env = z
  .object({
    PORT: z.coerce.number().int().default(3000),
    STACK_FILE: z.string().default('stack.yml'),
    DATABASE_URL: z.string().min(1),
    NATS_URL: z.string().default('nats://127.0.0.1:4222'),
    EVENTS_STREAM: z.string().default('ERP_EVENTS'),
    EVENTS_PREFIX: z.string().default('erp'),
    GATEWAY_URL: z.string().url(),
    TOKEN_URL: z.string().url(),
    CLIENT_ID: z.string().default('erpbi-connector'),
    CLIENT_SECRET: z.string().min(1),
  })
  // The retention windows and the pruner's pace, with their defaults and why: retention.ts.
  .extend(retentionSettings.shape)
  .parse({ ...process.env, DATABASE_URL: secret('database-url', 'DATABASE_URL'), CLIENT_SECRET: secret('connector-client-secret', 'CLIENT_SECRET') });

const log = rootLogger.child({ fn: 'connector' });
const metrics = createConnectorMetrics();
const db = createPool(env.DATABASE_URL, 2);
const bus = await connectBus(env.NATS_URL, 'erpbi-connector', { service: true });
await ensureStreams(bus.nc, env.EVENTS_STREAM, env.EVENTS_PREFIX);
const fns = readStack(env.STACK_FILE, env.EVENTS_PREFIX).filter((f) => f.topics.length > 0);
const retention = retentionFor(env, fns);
const token = serviceTokenSource({ tokenUrl: env.TOKEN_URL, clientId: env.CLIENT_ID, clientSecret: env.CLIENT_SECRET });
const stopFeeds = await startBatchFeeds(fns.filter((f) => f.batch), { bus, stream: env.EVENTS_STREAM, gatewayUrl: env.GATEWAY_URL, token, log, metrics });
const stopConnector = await startConnector(fns.filter((f) => !f.batch), {
  bus,
  stream: env.EVENTS_STREAM,
  prefix: env.EVENTS_PREFIX,
  gatewayUrl: env.GATEWAY_URL,
  token,
  log,
  metrics,
});
const stopSweeper = startSweeper(db, bus.js, log, metrics);
const stopPruner = startPruner(db, log, metrics, retention);

const app = Fastify();
app.get('/_/health', async () => ({ status: 'ok', function: 'connector' }));
app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
// HOST=0.0.0.0 in a container, so Prometheus can scrape /metrics from its own container.
await app.listen({ port: env.PORT, host: process.env.HOST ?? '127.0.0.1' });
announceListening(app.server.address());
log.info({ port: env.PORT, consumers: fns.reduce((n, f) => n + f.topics.length, 0) }, 'connector ready');

stopOnSignal([stopPruner, stopSweeper, stopFeeds, stopConnector, () => app.close(), () => bus.nc.drain(), () => db.end()]);
