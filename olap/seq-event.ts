import { envelopeSchema, type Envelope } from '../shared/events/envelope.js';

/** A stream message: its sequence and its event, or null when it is not a valid envelope (skipped, but
 *  its sequence still counts toward the watermark, so one bad message never blocks the feed). */
export interface SeqEvent {
  seq: number;
  event: Envelope | null;
}

export function toSeqEvent(seq: number, payload: unknown): SeqEvent {
  const parsed = envelopeSchema.safeParse(payload);
  return { seq, event: parsed.success ? parsed.data : null };
}
