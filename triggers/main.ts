import Fastify from 'fastify';
import { createPool } from '../shared/db/pool.js';
import { connectBus, ensureStreams } from '../shared/events/bus.js';
import { announceListening, stopOnSignal } from '../shared/lifecycle.js';
import { rootLogger } from '../shared/log.js';
import { readConfig, natsCredentials } from '../shared/config.js';
import { startConnector } from './connector.js';
import { functionUrls } from './function-urls.js';
import { startBatchFeeds } from './batch-feed.js';
import { createConnectorMetrics } from './metrics.js';
import { registerBackupMetrics } from './backup-metrics.js';
import { serviceTokenSource } from './service-token.js';
import { readStack } from '../shared/stack.js';
import { startSweeper } from './sweeper.js';
import { startPruner } from './pruner.js';
import { startSchedules } from './schedule.js';
import { retentionFor } from './retention.js';
import { removeStaleConsumers } from './stale-consumers.js';

// The connector process: stack.yml's topics -> function invocations, its schedules, plus the outbox sweeper and the pruner.
const env = readConfig(
  [
    'PORT',
    'HOST',
    'STACK_FILE',
    'DATABASE_URL',
    'NATS_URL',
    'NATS_USER',
    'NATS_PASSWORD',
    'EVENTS_STREAM',
    'EVENTS_PREFIX',
    'EVENTS_REPLICAS',
    'GATEWAY_URL',
    // The functions' direct addresses, past the gateway (function-urls.ts): a template, or npm start's ports file.
    'FUNCTIONS_URL',
    'FUNCTIONS_PORTS_FILE',
    'TOKEN_URL',
    'CLIENT_ID',
    'CLIENT_SECRET',
    // The projector's body limit: a batch stays under it (batch-feed.ts).
    'OLAP_BATCH_BODY_LIMIT_BYTES',
    // The retention windows and the pruner's pace (why each: retention.ts).
    'PROCESSED_EVENTS_KEEP_HOURS',
    'PUBLISHED_OUTBOX_KEEP_HOURS',
    'PRUNE_EVERY_SECONDS',
    'PRUNE_BATCH_ROWS',
    // What Prometheus alerts on besides the events: the nightly backup's outcome, the certificate's expiry.
    'ERPBI_BACKUP_STATUS_EXPORT_FILE',
    'TLS_CERT_FILE',
  ],
  { required: ['DATABASE_URL', 'NATS_URL', 'GATEWAY_URL', 'TOKEN_URL', 'CLIENT_SECRET'] },
);

const log = rootLogger.child({ fn: 'connector' });
const metrics = createConnectorMetrics();
registerBackupMetrics(metrics.registry, { statusFile: env.ERPBI_BACKUP_STATUS_EXPORT_FILE, certFile: env.TLS_CERT_FILE });
const db = createPool(env.DATABASE_URL, 2);
const bus = await connectBus(env.NATS_URL, 'erpbi-connector', { service: true, credentials: natsCredentials(env) });
await ensureStreams(bus.nc, env.EVENTS_STREAM, env.EVENTS_PREFIX, env.EVENTS_REPLICAS);
const stack = readStack(env.STACK_FILE, env.EVENTS_PREFIX);
const fns = stack.filter((f) => f.topics.length > 0);
const retention = retentionFor(env, fns);
const urls = functionUrls({ gatewayUrl: env.GATEWAY_URL, template: env.FUNCTIONS_URL, portsFile: env.FUNCTIONS_PORTS_FILE });
const token = serviceTokenSource({ tokenUrl: env.TOKEN_URL, clientId: env.CLIENT_ID, clientSecret: env.CLIENT_SECRET });
const stopFeeds = await startBatchFeeds(
  fns.filter((f) => f.batch),
  // A quarter left for the body's own JSON around the events ({seq, event} each, and streamSeq).
  { bus, stream: env.EVENTS_STREAM, urls, token, log, metrics, maxBatchBytes: Math.floor(env.OLAP_BATCH_BODY_LIMIT_BYTES * 0.75) },
);
const stopConnector = await startConnector(
  fns.filter((f) => !f.batch),
  {
    bus,
    stream: env.EVENTS_STREAM,
    prefix: env.EVENTS_PREFIX,
    urls,
    token,
    log,
    metrics,
  },
);
await removeStaleConsumers(bus.nc, env.EVENTS_STREAM, fns, log);
const stopSweeper = startSweeper(db, bus.js, log, metrics);
const stopPruner = startPruner(db, log, metrics, retention);
// stack.yml's erpbi.schedule: the daily reminder run (triggers/schedule.ts).
const stopSchedules = startSchedules(stack, { urls, token, log });

const app = Fastify();
app.get('/_/health', async () => ({ status: 'ok', function: 'connector' }));
app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
// HOST=0.0.0.0 in a container, so Prometheus can scrape /metrics from its own container.
await app.listen({ port: env.PORT, host: env.HOST });
announceListening(app.server.address());
const calls = env.FUNCTIONS_URL ? 'direct (FUNCTIONS_URL)' : env.FUNCTIONS_PORTS_FILE ? 'direct (ports file)' : 'through the gateway';
log.info({ port: env.PORT, consumers: fns.reduce((n, f) => n + f.topics.length, 0), calls }, 'connector ready');

stopOnSignal([stopSchedules, stopPruner, stopSweeper, stopFeeds, stopConnector, () => app.close(), () => bus.nc.drain(), () => db.end(), () => urls.stop()]);
