import { z } from 'zod';
import { currency, minorUnits, sku, text } from '../../shared/schemas/common.js';

export const body = z
  .object({
    sku,
    name: text(200),
    unitPrice: minorUnits,
    currency,
    taxRateBp: z.number().int().min(0).max(10_000).optional(),
    // Absent on an update keeps the stored level (a price change must not reset it).
    reorderLevel: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();
