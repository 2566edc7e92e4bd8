import { AckPolicy, DeliverPolicy, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { Bus } from '../shared/events/bus.js';
import type { Logger } from '../shared/log.js';
import type { ConnectorMetrics } from './metrics.js';
import { postJson } from './invoke.js';

export interface BatchFeedOptions {
  bus: Bus;
  stream: string;
  /** The whole events prefix: one consumer sees every event in stream order. */
  subject: string;
  fn: string;
  batchSize: number;
  /** Sends one batch body; resolves with the HTTP status (undefined when there was no answer). */
  post: (body: string) => Promise<{ status: number | undefined; detail: string }>;
  /** At most one batch per this many ms while events keep coming (100 by default). */
  minIntervalMs?: number;
  log: Logger;
  metrics?: ConnectorMetrics;
}

const delaysMs = [100, 250, 500, 1000, 2000, 5000, 10_000];

export const batchConsumerName = (fn: string) => `${fn}--batch`.replace(/[^\w-]/g, '_');

/**
 * Feeds a function (the OLAP projector) from ONE durable consumer on the whole prefix, through exactly
 * one worker: a batch is whatever arrived while the previous one was being applied, up to
 * `batchSize`. max_ack_pending equals the batch size, so the server never hands out more than the
 * worker holds, and a failed batch is retried in place (never skipped, never overtaken): the
 * function's watermark then only ever moves forward over a contiguous prefix of the stream.
 */
export async function startBatchFeed(opts: BatchFeedOptions): Promise<() => Promise<void>> {
  const durable = batchConsumerName(opts.fn);
  const jsm = await jetstreamManager(opts.bus.nc);
  const config = {
    durable_name: durable,
    filter_subject: opts.subject,
    ack_policy: AckPolicy.All,
    ack_wait: 120 * 1e9,
    max_ack_pending: opts.batchSize,
  };
  // A feed that died holding a batch (SIGKILL) left it delivered but unacked: the server would hand the
  // next feed newer messages first and redeliver the held ones only after ack_wait, below a watermark
  // that has moved past them (and AckPolicy.All would ack them unseen): they would never be projected.
  // Start again right after the last acknowledged message instead, in stream order.
  const previous = await jsm.consumers.info(opts.stream, durable).catch(() => undefined);
  if (previous && previous.num_ack_pending > 0) {
    await jsm.consumers.delete(opts.stream, durable);
    await jsm.consumers.add(opts.stream, { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: previous.ack_floor.stream_seq + 1 });
    opts.log.warn({ fn: opts.fn, from: previous.ack_floor.stream_seq + 1, unacked: previous.num_ack_pending }, 'batch feed restarts after the last acknowledged message');
  } else if (!previous) {
    await jsm.consumers.add(opts.stream, { ...config, deliver_policy: DeliverPolicy.All });
  }
  const consumer = await opts.bus.js.consumers.get(opts.stream, durable);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: opts.batchSize });
  const buffer: JsMsg[] = [];
  let wake: (() => void) | undefined;
  let running = true;

  const reader = (async () => {
    for await (const msg of messages) {
      buffer.push(msg);
      wake?.();
    }
  })();

  let lastBatch = 0;
  const worker = (async () => {
    while (running) {
      if (buffer.length === 0) {
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
        continue;
      }
      // The projector's cost is per batch (one DuckDB transaction of set-based upserts), not per event:
      // under a steady flow, events gather for up to minIntervalMs into fewer, larger batches (bench/:
      // a third of the box's CPU went to tiny batches). The first event after a quiet spell goes at once.
      const wait = lastBatch + (opts.minIntervalMs ?? 100) - Date.now();
      if (wait > 0 && buffer.length < opts.batchSize) await new Promise((r) => setTimeout(r, wait));
      lastBatch = Date.now();
      const batch = buffer.splice(0, opts.batchSize);
      const ok = await deliverBatch(batch, opts, () => running);
      if (!ok) return; // stopping: the unacked messages come back to the next connector
    }
  })();

  opts.log.info({ fn: opts.fn, subject: opts.subject, durable, batchSize: opts.batchSize }, 'batch feed consuming');
  return async () => {
    running = false;
    wake?.();
    await messages.close();
    await Promise.allSettled([reader, worker]);
  };
}

async function deliverBatch(batch: JsMsg[], opts: BatchFeedOptions, running: () => boolean): Promise<boolean> {
  // Where the stream ends, as the server said when it handed over the batch's last message (that message
  // plus those still pending after it): with it the projector tells "up to date" from "behind" (its
  // watermark alone cannot). Schema: functions/project-to-olap/schema.ts.
  const last = batch[batch.length - 1]!;
  const streamSeq = last.seq + Math.max(0, last.info.pending);
  const body = JSON.stringify({ events: batch.map((m) => ({ seq: m.seq, event: parseOrNull(m) })), streamSeq });
  for (let attempt = 0; ; attempt++) {
    const { status, detail } = await opts.post(body).catch((err: Error) => ({ status: undefined, detail: err.message }));
    if (status !== undefined && status >= 200 && status < 300) {
      opts.metrics?.deliveries.inc({ function: opts.fn, outcome: 'ack' }, batch.length);
      // AckPolicy.All: acking the last message acks the whole batch; wait for the server to confirm.
      await batch[batch.length - 1]!.ackAck().catch(() => false);
      return true;
    }
    opts.metrics?.deliveries.inc({ function: opts.fn, outcome: 'retry' }, batch.length);
    const delay = delaysMs[Math.min(attempt, delaysMs.length - 1)]!;
    opts.log.warn({ fn: opts.fn, status, detail: detail.slice(0, 300), first: batch[0]!.seq, size: batch.length, attempt }, 'batch not applied; retrying');
    if (!running()) return false;
    for (const m of batch) m.working(); // keep the batch ours while we retry
    await new Promise((r) => setTimeout(r, delay));
    if (!running()) return false;
  }
}

function parseOrNull(m: JsMsg): unknown {
  try {
    return m.json();
  } catch {
    return null;
  }
}

/** One feed per batch function of stack.yml, each POSTing to `/function/<name>/batch` through the gateway. */
export async function startBatchFeeds(
  fns: { name: string; topics: string[]; batch?: number | undefined }[],
  opts: { bus: Bus; stream: string; gatewayUrl: string; token: () => Promise<string>; log: Logger; metrics?: ConnectorMetrics },
): Promise<() => Promise<void>> {
  const stops: (() => Promise<void>)[] = [];
  for (const fn of fns) {
    // One consumer on one subject (nats-server 2.9 has no multi-filter consumers): the prefix itself.
    const subject = fn.topics.length === 1 ? fn.topics[0]! : `${fn.topics[0]!.split('.')[0]}.>`;
    stops.push(
      await startBatchFeed({
        bus: opts.bus,
        stream: opts.stream,
        subject,
        fn: fn.name,
        batchSize: fn.batch ?? 500,
        log: opts.log,
        metrics: opts.metrics,
        post: async (body) => {
          const res = await postJson(`${opts.gatewayUrl}/function/${fn.name}/batch`, { authorization: `Bearer ${await opts.token()}` }, body, 60_000);
          return { status: res.status, detail: res.text };
        },
      }),
    );
  }
  return async () => {
    for (const stop of stops) await stop();
  };
}
