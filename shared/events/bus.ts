import { connect, type NatsConnection } from '@nats-io/transport-node';
import { inboxPrefix, type NatsUser } from './nats-users.js';
import {
  jetstream,
  jetstreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  RetentionPolicy,
  StorageType,
  DiscardPolicy,
} from '@nats-io/jetstream';

/** A user of erpbi's nats-server (shared/events/nats-users.ts); none where the server asks for none (tests). */
export interface NatsCredentials {
  user: NatsUser;
  password: string;
}

export interface Bus {
  nc: NatsConnection;
  js: JetStreamClient;
}

/**
 * `service`: a long-running process (a function, the connector) also waits for a nats-server that is
 * down when it starts, as it waits for one that goes away later; a one-off command (backup, restore)
 * fails at once instead.
 */
export async function connectBus(url: string, name: string, opts: { service?: boolean; credentials?: NatsCredentials } = {}): Promise<Bus> {
  // Reconnect for ever: a restarted nats-server must not end a function.
  const nc = await connect({
    // NATS_URL may list a cluster's servers, comma-separated.
    servers: url.split(',').map((s) => s.trim()),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: opts.service ?? false,
    // Each user's replies under a prefix of its own, the only inboxes its permissions let it read.
    ...(opts.credentials ? { user: opts.credentials.user, pass: opts.credentials.password, inboxPrefix: inboxPrefix(opts.credentials.user) } : {}),
  });
  return { nc, js: jetstream(nc, { timeout: 5000 }) };
}

/**
 * How long a consumer's pull waits on the server (the connector's and the batch feed's consume()). nats.js sends
 * idle heartbeats every half of it and pulls again after two are missed: when a cluster's consumer leader dies
 * (NATS_CLUSTER_SIZE), its pulls die with it, and the default 30 s held every reaction for 30 s (tests/cluster/).
 * 5 s: a failover costs about 5 s, an idle consumer one pull per 5 s.
 */
export const pullExpiresMs = 5000;

const day = 24 * 3600 * 1e9;

// The event log: kept long enough to rebuild the OLAP store; Nats-Msg-Id dedupe over two minutes.
// `replicas` (EVENTS_REPLICAS) for both streams, an existing one scaled to it (durable consumers follow their
// stream); undefined: 1 for a new stream, an existing one keeps its own, so a process not given it scales nothing down.
export async function ensureStreams(nc: NatsConnection, stream: string, prefix: string, replicas?: number): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const r = replicas === undefined ? {} : { num_replicas: replicas };
  await upsertStream(jsm, {
    ...r,
    name: stream,
    subjects: [`${prefix}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: 3650 * day,
    duplicate_window: 120 * 1e9,
    discard: DiscardPolicy.Old,
  });
  await upsertStream(jsm, {
    ...r,
    name: `${stream}_DLQ`,
    subjects: [`dlq.${prefix}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: 90 * day,
  });
}

type Jsm = Awaited<ReturnType<typeof jetstreamManager>>;
async function upsertStream(jsm: Jsm, config: Parameters<Jsm['streams']['add']>[0]): Promise<void> {
  try {
    await jsm.streams.info(config.name!);
    await jsm.streams.update(config.name!, config);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
    await jsm.streams.add(config);
  }
}
