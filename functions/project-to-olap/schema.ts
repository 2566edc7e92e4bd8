import { z } from 'zod';

// One stream message: its sequence and the envelope as published. The envelope is checked one by one
// in olap/ (a malformed one is skipped, not allowed to block the whole feed). `streamSeq`: the stream's
// last sequence when the feed took the batch (triggers/batch-feed.ts), so the watermark can say whether
// the projection is up to date; optional, as a feed of an older version sends none.
export const batch = z
  .object({
    events: z.array(z.object({ seq: z.number().int().positive(), event: z.unknown() }).strict()).min(1).max(10_000),
    streamSeq: z.number().int().nonnegative().optional(),
  })
  .strict();

const none = z.object({}).strict();
const day = z.iso.date();

// The parameters of each named query; nothing else reaches SQL.
export const queryParams = {
  sales_by_hour: z.object({ hours: z.coerce.number().int().min(1).max(24 * 400).default(48) }).strict(),
  ar_aging: z.object({ asOf: day.optional() }).strict(),
  stock_levels: none,
  order_funnel: none,
  top_products: z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) }).strict(),
  headcount_by_department: none,
  payroll_by_department: none,
  order: z.object({ id: z.string().min(1).max(100) }).strict(),
  order_timeline: z.object({ id: z.string().min(1).max(100) }).strict(),
  // Buying and margin (olap/buying-queries.ts): the last `months` calendar months, the last `days` days (UTC).
  gross_margin: z.object({ months: z.coerce.number().int().min(1).max(120).default(12) }).strict(),
  inventory_value: z.object({ days: z.coerce.number().int().min(1).max(3660).default(90) }).strict(),
  purchase_spend: z.object({ months: z.coerce.number().int().min(1).max(120).default(12) }).strict(),
  stock_on_order: none,
} as const;
export type QueryName = keyof typeof queryParams;
export const queryName = z.object({ name: z.enum(Object.keys(queryParams) as [QueryName, ...QueryName[]]) }).strict();

// The stream takes `Authorization: Bearer` or, for EventSource (which cannot set headers), a ticket from
// POST /live/ticket (shared/http/stream-tickets.ts); never the token itself in the URL.
export const liveParams = z.object({ ticket: z.string().regex(/^[\w-]{43}$/, 'a ticket from POST /live/ticket').optional() }).strict();
