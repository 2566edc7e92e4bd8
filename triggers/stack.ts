import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

const stackSchema = z.object({
  functions: z.record(
    z.string(),
    z.object({
      handler: z.string(),
      image: z.string(),
      annotations: z.record(z.string(), z.string()).optional(),
      limits: z.object({ memory: z.string() }).partial().optional(),
    }),
  ),
});

export interface StackFunction {
  name: string;
  /** Subjects with the configured prefix in place of the default `erp`. */
  topics: string[];
  memory?: string | undefined;
  /** annotations `erpbi.batch`: fed in batches of up to this many events by one worker (the projector). */
  batch?: number | undefined;
}

export function readStack(path: string, prefix = 'erp'): StackFunction[] {
  const stack = stackSchema.parse(parse(readFileSync(path, 'utf8'), { merge: true }));
  return Object.entries(stack.functions).map(([name, f]) => ({
    name,
    memory: f.limits?.memory,
    batch: f.annotations?.['erpbi.batch'] ? z.coerce.number().int().min(1).max(10_000).parse(f.annotations['erpbi.batch']) : undefined,
    topics: (f.annotations?.topic ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)
      .map((t) => t.replace(/^erp\./, `${prefix}.`)),
  }));
}
