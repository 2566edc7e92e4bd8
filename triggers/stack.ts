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
}

export function readStack(path: string, prefix = 'erp'): StackFunction[] {
  const stack = stackSchema.parse(parse(readFileSync(path, 'utf8'), { merge: true }));
  return Object.entries(stack.functions).map(([name, f]) => ({
    name,
    memory: f.limits?.memory,
    topics: (f.annotations?.topic ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)
      .map((t) => t.replace(/^erp\./, `${prefix}.`)),
  }));
}
