import { z } from 'zod';
import { quantity, sku, text } from '../../shared/schemas/common.js';

export const body = z.object({ sku, quantity, note: text(500).optional() }).strict();
