import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { natsUsers, type NatsUser } from './events/nats-users.js';
import { settings, type DatabaseAccess } from './config.js';
import { Cron } from 'croner';

const entry = z.object({
  handler: z.string(),
  environment: z.object({ NATS_USER: z.enum(natsUsers), DATABASE_ACCESS: settings.shape.DATABASE_ACCESS, CPU_NICE: settings.shape.CPU_NICE }).loose(),
  annotations: z.record(z.string(), z.string()).optional(),
  limits: z.object({ memory: z.string() }).partial().optional(),
});
const stackSchema = z.object({
  functions: z.record(z.string(), entry.extend({ image: z.string() })),
  /** Fed like functions, deployed as compose services (the projector: it needs a volume). */
  'x-erpbi-services': z.record(z.string(), entry).default({}),
});

// stack.yml's reader: every function and service erpbi deploys, their topics, users and schedules. The
// runtime, the connector, the gateways and the AsyncAPI document all read stack.yml through this.

/** A scheduled invocation (triggers/schedule.ts runs them). */
export interface Schedule {
  cron: string;
  path: string;
}

/** The schedule a stack entry's annotations give, checked when stack.yml is read (a bad one fails the start). */
export function scheduleOf(name: string, annotations: Record<string, string> | undefined): Schedule | undefined {
  const cron = annotations?.['erpbi.schedule'];
  const path = annotations?.['erpbi.schedule-path'];
  if (cron === undefined && path === undefined) return undefined;
  if (!cron || !path?.startsWith('/')) throw new Error(`stack.yml ${name}: erpbi.schedule and erpbi.schedule-path (starting with /) go together`);
  try {
    new Cron(cron, { paused: true }).stop();
  } catch (err) {
    throw new Error(`stack.yml ${name}: erpbi.schedule "${cron}" is not a cron expression: ${(err as Error).message}`);
  }
  return { cron, path };
}

export interface StackFunction {
  name: string;
  /** A faasd function (stack.yml `functions`), or a compose service fed the same way (`x-erpbi-services`). */
  deployedAs: 'function' | 'service';
  /** Subjects with the configured prefix in place of the default `erp`. */
  topics: string[];
  memory?: string | undefined;
  /** annotations `erpbi.batch`: fed in batches of up to this many events by one worker (the projector). */
  batch?: number | undefined;
  /** annotations `erpbi.max-deliver`: deliveries of a failing event before it is dead-lettered. */
  maxDeliver?: number | undefined;
  /** annotations `erpbi.schedule` (a cron expression, UTC) and `erpbi.schedule-path`: the connector POSTs `{}` there on that schedule (triggers/schedule.ts). */
  schedule?: Schedule | undefined;
  /** environment NATS_USER: who it is on erpbi's nats-server (shared/events/nats-users.ts). */
  natsUser: NatsUser;
  /** environment DATABASE_ACCESS: which database role it connects as (shared/config.ts; `app` unless said). */
  databaseAccess: DatabaseAccess;
  /** environment CPU_NICE: its nice value (shared/config.ts; 0 unless said). */
  cpuNice: number;
}

export function readStack(path: string, prefix = 'erp'): StackFunction[] {
  const stack = stackSchema.parse(parse(readFileSync(path, 'utf8'), { merge: true }));
  const entries = [
    ...Object.entries(stack.functions).map(([name, f]) => [name, f, 'function'] as const),
    ...Object.entries(stack['x-erpbi-services']).map(([name, f]) => [name, f, 'service'] as const),
  ];
  return entries.map(([name, f, deployedAs]) => ({
    name,
    deployedAs,
    memory: f.limits?.memory,
    natsUser: f.environment.NATS_USER,
    databaseAccess: f.environment.DATABASE_ACCESS,
    cpuNice: f.environment.CPU_NICE,
    batch: f.annotations?.['erpbi.batch'] ? z.coerce.number().int().min(1).max(10_000).parse(f.annotations['erpbi.batch']) : undefined,
    maxDeliver: f.annotations?.['erpbi.max-deliver'] ? z.coerce.number().int().min(1).max(100_000).parse(f.annotations['erpbi.max-deliver']) : undefined,
    schedule: scheduleOf(name, f.annotations),
    topics: (f.annotations?.topic ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)
      .map((t) => t.replace(/^erp\./, `${prefix}.`)),
  }));
}
