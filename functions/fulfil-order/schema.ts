import { z } from 'zod';
import { dispositions } from '../../shared/domain/returns.js';
import { id, quantity, text } from '../../shared/schemas/common.js';

export const body = z.object({ id }).strict();

/** POST /function/fulfil-order/return: goods of a fulfilled order coming back (shared/orders/returns.ts). */
export const returnBody = z
  .object({
    orderId: id,
    lines: z
      .array(z.object({ lineNo: z.number().int().positive().max(10_000), quantity, reason: text(200), disposition: z.enum(dispositions) }).strict())
      .min(1)
      .max(500),
  })
  .strict();
