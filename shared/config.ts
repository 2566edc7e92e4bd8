import { z } from 'zod';
import { secret } from './secrets.js';
import { idempotencySettings } from './idempotency/expiry.js';

// Read once at start; a missing or malformed setting stops the process with a clear message.
const schema = z.object({
  FUNCTION_NAME: z.string().default('function'),
  // 0: a port the OS picks (runtime/supervisor.ts learns it from the process)
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().min(1, 'DATABASE_URL (or the secret database-url) is required'),
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  EVENTS_STREAM: z.string().default('ERP_EVENTS'),
  EVENTS_PREFIX: z.string().regex(/^[a-z][a-z0-9_]*$/).default('erp'),
  AUTH_ISSUER: z.string().min(1, 'AUTH_ISSUER is required'),
  AUTH_AUDIENCE: z.string().default('erpbi'),
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_ROLES_CLAIM: z.string().default('roles'),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(100 * 1024),
  PG_POOL_MAX: z.coerce.number().int().positive().default(5),
  // IDEMPOTENCY_WINDOW_HOURS: how long an Idempotency-Key's answer is replayed (>= 24; why: shared/idempotency/expiry.ts).
  ...idempotencySettings.shape,
});
export type Config = Omit<z.infer<typeof schema>, 'DATABASE_URL'> & { DATABASE_URL?: string | undefined };

export function loadConfig(env: NodeJS.ProcessEnv = process.env, needs: { postgres: boolean } = { postgres: true }): Config {
  const parsed = (needs.postgres ? schema : schema.extend({ DATABASE_URL: z.string().optional() })).safeParse({ ...env, DATABASE_URL: secret('database-url', 'DATABASE_URL') });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`erpbi: bad configuration: ${problems}`);
  }
  return parsed.data;
}
