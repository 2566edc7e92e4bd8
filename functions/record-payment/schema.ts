import { z } from 'zod';
import { id, positiveMinorUnits, text } from '../../shared/schemas/common.js';

export const body = z
  .object({ invoiceId: id, amount: positiveMinorUnits, method: z.enum(['bank_transfer', 'card', 'cash', 'cheque', 'other']), reference: text(200).optional() })
  .strict();
