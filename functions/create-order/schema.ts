import { z } from 'zod';
import { id, quantity, sku } from '../../shared/schemas/common.js';

export const body = z.object({ customerId: id, lines: z.array(z.object({ sku, quantity }).strict()).min(1).max(100) }).strict();
