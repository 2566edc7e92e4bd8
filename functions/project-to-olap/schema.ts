import { z } from 'zod';
import { queryNames, type QueryName } from '../../olap/catalogue.js';
import { toSeqEvent, type SeqEvent } from '../../olap/seq-event.js';
import { parseInput } from '../../shared/http/errors-to-http.js';

// One stream message: its sequence and the envelope as published. The envelope is checked one by one
// in olap/ (a malformed one is skipped, not allowed to block the whole feed). `streamSeq`: the stream's
// last sequence when the feed took the batch (triggers/batch-feed.ts), so the watermark can say whether
// the projection is up to date; optional, as a feed of an older version sends none.
export const batch = z
  .object({
    events: z
      .array(z.object({ seq: z.number().int().positive(), event: z.unknown() }).strict())
      .min(1)
      .max(10_000),
    streamSeq: z.number().int().nonnegative().optional(),
  })
  .strict();

/** The /batch body as the route reads it (and bench/lib/projector-micro.ts times it): the batch's own
 *  shape strictly (400 otherwise), then each envelope on its own, null when malformed. */
export function readBatch(body: unknown): { events: SeqEvent[]; streamSeq: number | undefined } {
  const input = parseInput(batch, body);
  return { events: input.events.map((e) => toSeqEvent(e.seq, e.event)), streamSeq: input.streamSeq };
}

// The parameters of each named query come from the metric catalogue (olap/catalogue.ts): nothing else reaches SQL.
export { queryParams, type QueryName } from '../../olap/catalogue.js';
export const queryName = z.object({ name: z.enum(queryNames as [QueryName, ...QueryName[]]) }).strict();

// The stream takes `Authorization: Bearer` or, for EventSource (which cannot set headers), a ticket from
// POST /live/ticket (shared/http/stream-tickets.ts); never the token itself in the URL.
export const liveParams = z
  .object({
    ticket: z
      .string()
      .regex(/^[\w-]{43}$/, 'a ticket from POST /live/ticket')
      .optional(),
  })
  .strict();
