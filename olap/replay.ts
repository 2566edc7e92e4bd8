import type { JetStreamClient } from '@nats-io/jetstream';
import { toSeqEvent, type SeqEvent } from './fold.js';

/**
 * Reads `stream` from its first message up to the last one that exists when called, through an
 * ordered consumer (no durable state left behind), handing batches to `apply` in sequence order.
 */
export async function replayStream(js: JetStreamClient, stream: string, apply: (batch: SeqEvent[]) => Promise<void>, batchSize = 1000): Promise<number> {
  const jsm = await js.jetstreamManager();
  const last = (await jsm.streams.info(stream)).state.last_seq;
  if (last === 0) return 0;
  const consumer = await js.consumers.get(stream);
  const messages = await consumer.consume({ max_messages: batchSize });
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
      }
      if (done) break;
    }
  } finally {
    await messages.close();
  }
  return seen;
}
