import { AckPolicy, DeliverPolicy, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { pullExpiresMs, type Bus } from '../shared/events/bus.js';
import type { Logger } from '../shared/log.js';
import type { ConnectorMetrics } from './metrics.js';
import { postJson } from './invoke.js';
import { withFallback, type FunctionUrls } from './function-urls.js';

export interface BatchFeedOptions {
  bus: Bus;
  stream: string;
  /** The whole events prefix: one consumer sees every event in stream order. */
  subject: string;
  fn: string;
  batchSize: number;
  /** Sends one batch body; resolves with the HTTP status (undefined when there was no answer). */
  post: (body: string) => Promise<{ status: number | undefined; detail: string }>;
  /**
   * While events keep coming, the function's share of the time at most (0.2 by default): after a batch
   * that took d ms, the next one gathers for d x (1/share - 1) ms. Batches then grow with what a batch
   * costs, not on a fixed clock.
   */
  busyShare?: number;
  /**
   * A batch also ends before its events' bytes pass this (always at least one event): a body over the
   * projector's limit (OLAP_BATCH_BODY_LIMIT_BYTES) would be refused as often as it is sent.
   */
  maxBatchBytes?: number;
  /** The longest gathering (100 ms by default), however long the last batch took. */
  maxGatherMs?: number;
  log: Logger;
  metrics?: ConnectorMetrics;
}

const delaysMs = [100, 250, 500, 1000, 2000, 5000, 10_000];

export const batchConsumerName = (fn: string) => `${fn}--batch`.replace(/[^\w-]/g, '_');

/**
 * Feeds a function (the OLAP projector) from ONE durable consumer on the whole prefix, through exactly
 * one worker: a batch is whatever arrived while the previous one was being applied, up to
 * `batchSize`. One batch is in flight at a time and a failed batch is retried in place (never skipped,
 * never overtaken): the function's watermark then only ever moves forward over a contiguous prefix of
 * the stream. max_ack_pending is twice the batch size, so while a batch is applied the next one is
 * already on its way: the server fills the worker's buffer meanwhile instead of after the batch's ack
 * (when the feed waited for that, a projector behind the stream idled ~100 ms of every ~270, issue 24).
 * The worker holds every message the server handed out, so the window changes nothing after a crash:
 * what was not acked comes again from the last acknowledged message (see `open`).
 */
export async function startBatchFeed(opts: BatchFeedOptions): Promise<() => Promise<void>> {
  const durable = batchConsumerName(opts.fn);
  const jsm = await jetstreamManager(opts.bus.nc);
  const config = {
    durable_name: durable,
    filter_subject: opts.subject,
    ack_policy: AckPolicy.All,
    ack_wait: 120 * 1e9,
    max_ack_pending: 2 * opts.batchSize,
  };
  // Messages the server handed out that this worker does not hold come again only after ack_wait, and
  // then below a watermark that has moved past them (AckPolicy.All acks them unseen): never projected.
  // A feed that died holding a batch (SIGKILL) leaves them so; so does a connection that dropped with
  // messages in flight (nats-server restarted), and the projector then refuses the next batch as a
  // sequence_gap. Either way the consumer starts again right after the last acknowledged message.
  const open = async (): Promise<ConsumerMessages> => {
    const previous = await jsm.consumers.info(opts.stream, durable).catch(() => undefined);
    if (previous && previous.num_ack_pending > 0) {
      await jsm.consumers.delete(opts.stream, durable);
      await jsm.consumers.add(opts.stream, { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: previous.ack_floor.stream_seq + 1 });
      opts.log.warn(
        { fn: opts.fn, from: previous.ack_floor.stream_seq + 1, unacked: previous.num_ack_pending },
        'batch feed restarts after the last acknowledged message',
      );
    } else if (!previous) {
      await jsm.consumers.add(opts.stream, { ...config, deliver_policy: DeliverPolicy.All });
    } else if (previous.config.max_ack_pending !== config.max_ack_pending) {
      // A consumer an older connector made (max_ack_pending = the batch size) would hand out one batch at a time.
      await jsm.consumers.update(opts.stream, durable, { max_ack_pending: config.max_ack_pending });
    }
    const consumer = await opts.bus.js.consumers.get(opts.stream, durable);
    return consumer.consume({ max_messages: opts.batchSize, expires: pullExpiresMs });
  };
  const buffer: JsMsg[] = [];
  let wake: (() => void) | undefined;
  let running = true;
  const read = (from: ConsumerMessages) =>
    (async () => {
      for await (const msg of from) {
        buffer.push(msg);
        wake?.();
      }
    })();
  let messages = await open();
  let reader = read(messages);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const share = opts.busyShare ?? 0.2;
  let lastEnd = 0; // performance.now() when the last batch was applied (or given up)
  let lastTook = 0; // and how long it took, ms
  let gaps = 0; // sequence_gaps in a row: a gap the stream cannot fill (the lag alert's case) is retried ever more slowly
  const worker = (async () => {
    while (running) {
      if (buffer.length === 0) {
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
        continue;
      }
      // The projector's cost is per batch (one DuckDB transaction of set-based upserts), not per event:
      // sent as they come, a steady flow made tiny batches (bench/: a third of the box's CPU). A fixed
      // 100 ms between batches cured that, but every event then waited for the clock (issue 24). Instead
      // the window follows the last batch's cost: what arrives while a batch is applied, and for a few
      // times as long after it, goes next; a cheap projector gathers for milliseconds, a busy one longer,
      // capped (a batch's time counts the wait for a loaded CPU too: a busy box gathers more). An event
      // after a quiet spell finds the window past: it goes at once.
      const gather = Math.min(opts.maxGatherMs ?? 100, lastTook * (1 / share - 1));
      const wait = lastEnd + gather - performance.now();
      if (wait > 0 && buffer.length < opts.batchSize) await sleep(wait);
      const batch = buffer.splice(0, batchLength(buffer, opts.batchSize, opts.maxBatchBytes ?? Infinity));
      const started = performance.now();
      const outcome = await deliverBatch(batch, buffer, opts, () => running);
      lastEnd = performance.now();
      lastTook = lastEnd - started;
      if (outcome === 'stopping') return; // the unacked messages come back to the next connector
      if (outcome === 'applied') {
        gaps = 0;
        continue;
      }
      // A gap: what the buffer holds follows it, so it goes too, and the consumer starts again.
      await sleep(delaysMs[Math.min(gaps++, delaysMs.length - 1)]!);
      await messages.close().catch(() => undefined);
      await reader.catch(() => undefined);
      buffer.length = 0;
      for (let attempt = 0; running; attempt++) {
        try {
          messages = await open();
          reader = read(messages);
          break;
        } catch (err) {
          opts.log.warn({ fn: opts.fn, err: (err as Error).message, attempt }, 'batch feed cannot reopen its consumer; retrying');
          await sleep(delaysMs[Math.min(attempt, delaysMs.length - 1)]!);
        }
      }
    }
  })();

  opts.log.info({ fn: opts.fn, subject: opts.subject, durable, batchSize: opts.batchSize }, 'batch feed consuming');
  return async () => {
    running = false;
    wake?.();
    await Promise.allSettled([worker]); // it may be opening the consumer again: then `messages` is the one it opened
    await messages.close().catch(() => undefined);
    await Promise.allSettled([reader]);
  };
}

/** How many of the buffer's first messages make the next batch: up to `max`, and up to `maxBytes` of data. */
export function batchLength(buffer: readonly { data: Uint8Array }[], max: number, maxBytes: number): number {
  let n = 0;
  let bytes = 0;
  while (n < Math.min(max, buffer.length)) {
    bytes += buffer[n]!.data.length;
    if (n > 0 && bytes > maxBytes) break;
    n += 1;
  }
  return n;
}

/** Delivers one batch, retrying it in place until it is applied; a sequence_gap is the worker's to heal.
 *  `ahead`: what the worker holds after the batch, kept ours too while the batch is retried. */
async function deliverBatch(batch: JsMsg[], ahead: readonly JsMsg[], opts: BatchFeedOptions, running: () => boolean): Promise<'applied' | 'gap' | 'stopping'> {
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
      // AckPolicy.All: acking the last message acks the whole batch (and nothing after it: the next
      // batch, pulled ahead, stays pending); wait for the server to confirm.
      await batch[batch.length - 1]!.ackAck().catch(() => false);
      return 'applied';
    }
    opts.metrics?.deliveries.inc({ function: opts.fn, outcome: 'retry' }, batch.length);
    opts.log.warn({ fn: opts.fn, status, detail: detail.slice(0, 300), first: batch[0]!.seq, size: batch.length, attempt }, 'batch not applied; retrying');
    if (!running()) return 'stopping';
    // The same batch again would be refused again: events before it are missing.
    if (status === 409 && detail.includes('sequence_gap')) return 'gap';
    // Keep the batch ours while we retry, and what was pulled after it: redelivered after ack_wait, it
    // would come twice.
    for (const m of batch) m.working();
    for (const m of ahead) m.working();
    await new Promise((r) => setTimeout(r, delaysMs[Math.min(attempt, delaysMs.length - 1)]!));
    if (!running()) return 'stopping';
  }
}

function parseOrNull(m: JsMsg): unknown {
  try {
    return m.json();
  } catch {
    return null;
  }
}

/** One feed per batch function of stack.yml, each POSTing to its `/batch` (direct or through the gateway: function-urls.ts). */
export async function startBatchFeeds(
  fns: { name: string; topics: string[]; batch?: number | undefined }[],
  opts: { bus: Bus; stream: string; urls: FunctionUrls; token: () => Promise<string>; log: Logger; metrics?: ConnectorMetrics; maxBatchBytes?: number },
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
        maxBatchBytes: opts.maxBatchBytes,
        log: opts.log,
        metrics: opts.metrics,
        post: async (body) => {
          const headers = { authorization: `Bearer ${await opts.token()}` };
          const res = await withFallback(opts.urls, fn.name, '/batch', (url, direct) => postJson(url, headers, body, 60_000, 4096, direct));
          return { status: res.status, detail: res.text };
        },
      }),
    );
  }
  return async () => {
    for (const stop of stops) await stop();
  };
}
