import { z } from 'zod';
import type { StreamTicket } from '../../http/stream-tickets.js';

// What the workspace reads of the projector beyond the catalogue's answers: the order timeline's row as
// the timeline screen reads it, and the live stream's ticket. The answers' envelope (name, watermark,
// rows) is the catalogue's own (olap/catalogue.ts answerSchema), which the workspace's bi() parses with.

/** An order's timeline row (olap/timeline.ts), the event's data parsed back: the catalogue's
 *  order_timeline row, narrowed to what the timeline screen reads (its data an object, its instant ISO). */
export const timelineRow = z.strictObject({
  seq: z.number().int(),
  id: z.string(),
  type: z.string(),
  occurredAt: z.iso.datetime(),
  actor: z.string(),
  causationId: z.string().nullable(),
  correlationId: z.string(),
  data: z.record(z.string(), z.unknown()),
});

/** POST live/ticket's answer (shared/http/stream-tickets.ts). */
export const liveTicket = z.strictObject({ ticket: z.string(), expiresAt: z.iso.datetime() }) satisfies z.ZodType<StreamTicket>;
