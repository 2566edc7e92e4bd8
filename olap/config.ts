import { join, resolve } from 'node:path';
import { z } from 'zod';

// Read once, when the projector's routes are registered; a bad value stops it with a clear message.
const schema = z.object({
  OLAP_FILE: z.string().min(1).optional(),
  ERPBI_DATA: z.string().min(1).default('./data'),
  OLAP_BATCH_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(32 * 1024 * 1024),
  // DuckDB takes 80% of the machine's RAM and every core by default; the projector shares a Pi.
  OLAP_MEMORY_LIMIT: z.string().regex(/^\d+(\.\d+)?\s*[KMGT]i?B$/i).default('256MB'),
  OLAP_THREADS: z.coerce.number().int().min(1).max(64).default(2),
});

export interface OlapSettings {
  file: string;
  batchBodyLimit: number;
  duckdb: { memory_limit: string; threads: string };
}

export function olapSettings(env: NodeJS.ProcessEnv = process.env): OlapSettings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`erpbi: bad projector configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  return {
    file: resolve(e.OLAP_FILE ?? join(e.ERPBI_DATA, 'olap', 'erpbi.duckdb')),
    batchBodyLimit: e.OLAP_BATCH_BODY_LIMIT_BYTES,
    duckdb: { memory_limit: e.OLAP_MEMORY_LIMIT, threads: String(e.OLAP_THREADS) },
  };
}
