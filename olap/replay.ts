import { AckPolicy, DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import { replayConsumer } from '../shared/events/nats-users.js';
import { toSeqEvent, type SeqEvent } from './seq-event.js';

/**
 * Reads `stream` from its first message up to the last one that exists when called, through a consumer
 * of a fixed name (removed at the end, and by the server a minute after a crash), handing batches to
 * `apply` in sequence order. Not an ordered consumer: its names are random, so permissions could not
 * keep the projector away from the connector's consumers. A message lost in transit is not silently
 * skipped: the store refuses a batch that leaves a gap (olap/store.ts), and the rebuild fails.
 */
export async function replayStream(js: JetStreamClient, stream: string, apply: (batch: SeqEvent[]) => Promise<void>, batchSize = 1000): Promise<number> {
  const jsm = await js.jetstreamManager();
  const last = (await jsm.streams.info(stream)).state.last_seq;
  if (last === 0) return 0;
  // One left by a replay that died: start over from the first message.
  await jsm.consumers.delete(stream, replayConsumer).catch(() => false);
  await jsm.consumers.add(stream, {
    name: replayConsumer,
    deliver_policy: DeliverPolicy.All,
    ack_policy: AckPolicy.All,
    max_ack_pending: batchSize,
    inactive_threshold: 60 * 1e9,
    mem_storage: true,
  });
  const messages = await (await js.consumers.get(stream, replayConsumer)).consume({ max_messages: batchSize });
  let batch: SeqEvent[] = [];
  let seen = 0;
  try {
    for await (const msg of messages) {
      let payload: unknown = null;
      try {
        payload = msg.json();
      } catch {
        // not JSON: still counted, so the watermark moves past it
      }
      batch.push(toSeqEvent(msg.seq, payload));
      seen += 1;
      const done = msg.seq >= last;
      if (done || batch.length >= batchSize || msg.info.pending === 0) {
        await apply(batch);
        batch = [];
        msg.ack(); // AckPolicy.All: the batch up to here
      }
      if (done) break;
    }
  } finally {
    await messages.close();
    await jsm.consumers.delete(stream, replayConsumer).catch(() => false);
  }
  return seen;
}
