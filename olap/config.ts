import { join, resolve } from 'node:path';
import { z } from 'zod';

// Read once, when the projector's routes are registered; a bad value stops it with a clear message.
const schema = z.object({
  OLAP_FILE: z.string().min(1).optional(),
  ERPBI_DATA: z.string().min(1).default('./data'),
  OLAP_BATCH_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(32 * 1024 * 1024),
});

export interface OlapSettings {
  file: string;
  batchBodyLimit: number;
}

export function olapSettings(env: NodeJS.ProcessEnv = process.env): OlapSettings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`erpbi: bad projector configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  return { file: resolve(e.OLAP_FILE ?? join(e.ERPBI_DATA, 'olap', 'erpbi.duckdb')), batchBodyLimit: e.OLAP_BATCH_BODY_LIMIT_BYTES };
}
