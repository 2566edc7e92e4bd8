import { z } from 'zod';
import { id, text } from '../../shared/schemas/common.js';
import { isoDate } from '../../shared/schemas/employee.js';

export const body = z.object({ id, terminatedAt: isoDate.optional(), reason: text(500).optional() }).strict();
