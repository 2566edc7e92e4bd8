import { z } from 'zod';
import { id } from '../../shared/schemas/common.js';

export const body = z.object({ id }).strict();
