import { z } from 'zod';
import { email, id, text } from '../../shared/schemas/common.js';

export const body = z
  .object({ id: id.optional(), name: text(200), email: email.optional(), paymentTermsDays: z.number().int().min(0).max(365) })
  .strict();
