import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../shared/log.js';
import type { StackFunction } from '../shared/stack.js';
import { batchConsumerName } from './batch-feed.js';
import { consumerName } from './connector.js';

// Every durable consumer the connector makes is named `<function>--<what>` (consumerName, batchConsumerName).
// A function or topic that leaves stack.yml (sync-order-status went in round two of the performance work)
// leaves its consumer behind on an upgraded box: nobody pulls it, its pending count grows with every event
// for ten years of stream retention, and a `settle until nothing is pending` (the bench, the fault suite)
// never ends. The connector owns the `--` names on its stream and deletes the ones stack.yml no longer wants.
const connectorNamed = /^[a-z0-9][a-z0-9_-]*--[\w-]+$/;

/** The durables stack.yml wants: one per (function, topic), one per batch-fed function. */
export function wantedConsumers(fns: StackFunction[]): Set<string> {
  return new Set(fns.flatMap((f) => (f.batch ? [batchConsumerName(f.name)] : f.topics.map((t) => consumerName(f.name, t)))));
}

/** Of the stream's durables, those named as the connector names its own and not wanted any more. */
export function staleConsumers(existing: readonly string[], wanted: ReadonlySet<string>): string[] {
  return existing.filter((name) => connectorNamed.test(name) && !wanted.has(name));
}

/** Deletes the stale ones, saying which; run once the wanted consumers exist. */
export async function removeStaleConsumers(nc: NatsConnection, stream: string, fns: StackFunction[], log: Logger): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  const names: string[] = [];
  for await (const c of jsm.consumers.list(stream)) if (c.config.durable_name) names.push(c.config.durable_name);
  const stale = staleConsumers(names, wantedConsumers(fns));
  for (const name of stale) {
    await jsm.consumers.delete(stream, name);
    log.info({ durable: name }, 'consumer of a function or topic stack.yml no longer has: deleted');
  }
  return stale;
}
