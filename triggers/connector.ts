import { headers as natsHeaders } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, JetStreamApiError, jetstreamManager, type JsMsg, type ConsumerMessages } from '@nats-io/jetstream';
import { pullExpiresMs, type Bus } from '../shared/events/bus.js';
import type { Logger } from '../shared/log.js';
import type { StackFunction } from '../shared/stack.js';
import { ackWaitMs, consumerMaxDeliver, invokeTimeoutMs, maxDeliver, verdict } from './retry-policy.js';
import { postJson } from './invoke.js';
import { withFallback, type FunctionUrls } from './function-urls.js';
import type { ConnectorMetrics } from './metrics.js';

export interface ConnectorOptions {
  bus: Bus;
  stream: string;
  prefix: string;
  /** Each function's address: direct on the internal network, or through the gateway (function-urls.ts). */
  urls: FunctionUrls;
  token: () => Promise<string>;
  log: Logger;
  metrics: ConnectorMetrics;
  /** Messages in flight per consumer. */
  concurrency?: number;
}

// JSConsumerAlreadyExistsErr: nats.js names no constant for it.
const consumerExists = 10148;

export function consumerName(fn: string, subject: string): string {
  return `${fn}--${subject.split('.').slice(1).join('_')}`.replace(/[^\w-]/g, '_');
}

/** One durable pull consumer per (function, subject) from stack.yml's topic annotations. */
export async function startConnector(fns: StackFunction[], opts: ConnectorOptions): Promise<() => Promise<void>> {
  const jsm = await jetstreamManager(opts.bus.nc);
  const running: ConsumerMessages[] = [];
  const loops: Promise<void>[] = [];
  for (const fn of fns) {
    for (const subject of fn.topics) {
      const durable = consumerName(fn.name, subject);
      const lastDelivery = fn.maxDeliver ?? maxDeliver;
      const changeable = {
        ack_wait: ackWaitMs * 1e6,
        max_deliver: consumerMaxDeliver(lastDelivery),
        max_ack_pending: 1000,
      };
      await jsm.consumers
        .add(opts.stream, { durable_name: durable, filter_subject: subject, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...changeable })
        .catch(async (err: unknown) => {
          // nats-server 2.10+ refuses to create a durable that exists with other settings (2.9 updated it):
          // a box upgraded with a new stack.yml erpbi.max-deliver updates its consumer instead.
          if (!(err instanceof JetStreamApiError && err.code === consumerExists)) throw err;
          await jsm.consumers.update(opts.stream, durable, changeable);
          opts.log.info({ fn: fn.name, durable, ...changeable }, 'consumer settings updated');
        });
      const consumer = await opts.bus.js.consumers.get(opts.stream, durable);
      const messages = await consumer.consume({ max_messages: opts.concurrency ?? 32, expires: pullExpiresMs });
      running.push(messages);
      loops.push(pump(messages, fn.name, lastDelivery, opts));
      opts.log.info({ fn: fn.name, subject, durable }, 'consuming');
    }
  }
  return async () => {
    for (const m of running) await m.close();
    await Promise.allSettled(loops);
  };
}

async function pump(messages: ConsumerMessages, fn: string, lastDelivery: number, opts: ConnectorOptions) {
  const limit = opts.concurrency ?? 32;
  const inflight = new Set<Promise<void>>();
  for await (const msg of messages) {
    const p = deliver(msg, fn, lastDelivery, opts).finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= limit) await Promise.race(inflight);
  }
  await Promise.allSettled(inflight);
}

async function deliver(msg: JsMsg, fn: string, lastDelivery: number, opts: ConnectorOptions) {
  let status: number | undefined;
  let detail = '';
  try {
    const headers = { authorization: `Bearer ${await opts.token()}`, 'x-correlation-id': `${fn}-${msg.seq}` };
    const res = await withFallback(opts.urls, fn, '/', (url, direct) => postJson(url, headers, msg.string(), invokeTimeoutMs, 500, direct));
    status = res.status;
    detail = res.text;
  } catch (err) {
    detail = (err as Error).message;
  }
  const v = verdict(status, msg.info.deliveryCount, detail, lastDelivery);
  opts.metrics.deliveries.inc({ function: fn, outcome: v.action });
  if (v.action === 'ack') return msg.ack();
  if (v.action === 'retry') {
    opts.log.warn({ fn, seq: msg.seq, status, detail, delivery: msg.info.deliveryCount }, 'invocation failed; will retry');
    return msg.nak(v.delayMs);
  }
  // Kept on the dead-letter stream with the reason; only then is the original taken off the consumer.
  const h = natsHeaders();
  h.set('Erpbi-Function', fn);
  h.set('Erpbi-Reason', v.reason.replace(/[\r\n]+/g, ' '));
  h.set('Erpbi-Stream-Seq', String(msg.seq));
  try {
    await opts.bus.js.publish(`dlq.${msg.subject}`, msg.data, { headers: h, msgID: `dlq-${fn}-${msg.seq}` });
    opts.log.error({ fn, seq: msg.seq, reason: v.reason }, 'dead-lettered');
    msg.term();
  } catch (err) {
    opts.log.error({ fn, seq: msg.seq, err: (err as Error).message }, 'dead-letter publish failed; will retry');
    msg.nak(5000);
  }
}
