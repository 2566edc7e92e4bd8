import { z } from 'zod';
import { id, text } from '../../shared/schemas/common.js';

export const body = z.object({ id, reason: text(500).optional() }).strict();
