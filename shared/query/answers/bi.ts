import { z } from 'zod';
import type { Watermark } from '../../../olap/store.js';
import type { StreamTicket } from '../../http/stream-tickets.js';

// The envelope of the projector's answers (GET /function/project-to-olap/query/:name) as the workspace
// parses it: the query's name, how far the figures are (the watermark), and its rows, whose schema is
// the query's own; and the live stream's ticket. The per-query row schemas are the projector's.

export const watermark = z.strictObject({
  seq: z.number().int(),
  eventTime: z.iso.datetime().nullable(),
  appliedAt: z.iso.datetime().nullable(),
  /** Absent from a projector older than the feed's stream sequence. */
  streamSeq: z.number().int().nullable().optional(),
}) satisfies z.ZodType<Omit<Watermark, 'streamSeq'> & Partial<Pick<Watermark, 'streamSeq'>>>;

/** A named query's answer with rows of `row`. */
export const biAnswer = <T extends z.ZodType>(row: T) => z.strictObject({ name: z.string(), watermark, rows: z.array(row) });

/** Any row: for a caller that reads the rows by name (the dashboard's panels). */
export const anyRow = z.record(z.string(), z.unknown());

/** An order's timeline row (olap/timeline.ts), the event's data parsed back. */
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
