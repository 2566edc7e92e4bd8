import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { idempotencyWindowHours } from './idempotency/expiry.js';
import { connectorClient } from './auth/roles.js';
import { natsPasswordSecret, natsUsers, type NatsUser } from './events/nats-users.js';
import type { NatsCredentials } from './events/bus.js';
import { answerChecks } from './http/answer-check-modes.js';
import { isStorageKeyUse, storageKeySecrets, storageKeyUses } from './documents/storage-keys.js';

// Every setting erpbi reads from its environment, in one zod schema. Each process (a function, the
// connector, the projector, the gateway, `npm start`, the CLI) reads the part it needs through
// readConfig, once, at start: a setting is checked the same way wherever it is read, and a missing or
// malformed one stops the process with one clear message. On faasd, secrets are files
// (/var/openfaas/secrets/<name>, or SECRETS_DIR); a file stands in for the setting named beside it.

const port = z.coerce.number().int().min(0).max(65535);
const hours = z.coerce.number().positive();
/** A comma-separated list of names. */
const names = z.string().transform(
  (s) =>
    new Set(
      s
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    ),
);

/** Who a process is on erpbi's Postgres (docs/architecture.md, "Who connects as whom"): `app` the
 *  functions and the connector (read and write erpbi's tables, no DDL), `read` the query function and
 *  the backup (SELECT only), `migrate` the migrations (the schemas' owner). */
export const databaseAccess = ['app', 'read', 'migrate'] as const;
export type DatabaseAccess = (typeof databaseAccess)[number];
/** The secret holding DATABASE_URL for an access: `database-url`, `database-url-read`, `database-url-migrate`. */
export function databaseUrlSecret(access: string | undefined): string {
  return !access || access === 'app' ? 'database-url' : `database-url-${access}`;
}

export const settings = z.object({
  // ---- where the parts are, for every process
  DATABASE_URL: z.string().min(1).optional(),
  /** Which role's URL DATABASE_URL is: the secret it is read from (databaseUrlSecret); stack.yml sets `read` for query. */
  DATABASE_ACCESS: z.enum(databaseAccess).default('app'),
  /** Required by the functions and the connector; npm start runs its own nats-server when it is not set. A cluster's
   *  servers as a comma-separated list (nats://a:4222,nats://b:4222): a client moves to another when one goes. */
  NATS_URL: z.string().min(1).optional(),
  /** The process's user on erpbi's nats-server (shared/events/nats-users.ts); unset where the server asks for none. */
  NATS_USER: z.enum(natsUsers).optional(),
  /** That user's password: the secret `nats-<NATS_USER>` (each service mounts its own), else this variable. */
  NATS_PASSWORD: z.string().min(1).optional(),
  /** The replicas of the events stream and its dead letters (1-5, at most the servers of the JetStream cluster). Unset: a new
   *  stream gets 1 and an existing one keeps its count, so a process not given it never scales a stream down. */
  EVENTS_REPLICAS: z.coerce.number().int().min(1).max(5).optional(),
  /** npm start's own nats-servers: 1, or a JetStream cluster of 3 or 5 on 127.0.0.1 (runtime/box/nats-cluster.ts). */
  NATS_CLUSTER_SIZE: z.coerce
    .number()
    .int()
    .refine((n) => [1, 3, 5].includes(n), '1, 3 or 5 (a JetStream cluster needs a majority of its servers)')
    .default(1),
  EVENTS_STREAM: z
    .string()
    .regex(/^[\w-]+$/)
    .default('ERP_EVENTS'),
  /** The first token of every subject: two boxes may share a nats-server under different prefixes. */
  EVENTS_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/)
    .default('erp'),
  /** The address a process listens on: 127.0.0.1 on a box, 0.0.0.0 in a container. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** 0: a port the OS picks (runtime/box/supervisor.ts learns it from the process). */
  PORT: port.default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where secret files are (faasd mounts them there; compose at /run/secrets). */
  SECRETS_DIR: z.string().min(1).default('/var/openfaas/secrets'),
  /** npm start's data directory (its Postgres, nats-server, DuckDB file, logs), and the CLI's. */
  ERPBI_DATA: z.string().min(1).default('./data'),

  // ---- a function (shared/http/serve.ts)
  /** Its name, in every log line (serve.ts sets it from the definition). */
  FUNCTION_NAME: z.string().min(1).optional(),
  AUTH_ISSUER: z.string().url().optional(),
  AUTH_AUDIENCE: z.string().default('erpbi'),
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_ROLES_CLAIM: z.string().default('roles'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(100 * 1024),
  /** The largest CSV file an import takes (POST upsert-product/import, upsert-customer/import): 10,000 rows are about 2 MB. */
  IMPORT_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
  PG_POOL_MAX: z.coerce.number().int().positive().default(5),
  /** The process's nice value (0-19): stack.yml gives render-document 10, so on a busy box orders, payments and
   *  reads take the CPU first and invoice PDFs, which nobody waits on, follow a few seconds later (BENCHMARKS.md). */
  CPU_NICE: z.coerce.number().int().min(0).max(19).default(0),
  /** How long an Idempotency-Key's answer is replayed (why at least 24 h: shared/idempotency/expiry.ts). */
  IDEMPOTENCY_WINDOW_HOURS: z.coerce.number().min(idempotencyWindowHours.min).default(idempotencyWindowHours.default),
  /** Each success answer against its route's schema (shared/http/answer-check.ts): `refuse` answers a mismatch 500
   *  (the tests), `log` logs it and sends the answer (the default: about 0.5 ms per 100-row page, a mismatch in
   *  production is seen without a working read turning into a 500), `off` checks nothing. */
  CHECK_ANSWERS: z.enum(answerChecks).default('log'),

  // ---- the connector (triggers/main.ts)
  STACK_FILE: z.string().min(1).default('stack.yml'),
  GATEWAY_URL: z.string().url().optional(),
  TOKEN_URL: z.string().url().optional(),
  /** Direct addresses of the functions, past the gateway (triggers/function-urls.ts): `name=base,...`, `*` for
   *  every other name, `{name}` replaced; the compose stack's `*=http://{name}:8080`. Unset: the gateway. */
  FUNCTIONS_URL: z.string().min(1).optional(),
  /** `npm start`'s ports file ({process name: port}), followed: the functions' direct addresses on 127.0.0.1. */
  FUNCTIONS_PORTS_FILE: z.string().min(1).optional(),
  /** The connector's OAuth client: the connector signs in as it, and the functions accept the `service`
   *  role only in tokens issued to it (`azp`, shared/auth/verify.ts). */
  CLIENT_ID: z.string().min(1).default(connectorClient),
  CLIENT_SECRET: z.string().min(1).optional(),
  // The pruner's windows and pace (why each: triggers/retention.ts).
  PROCESSED_EVENTS_KEEP_HOURS: hours.default(7 * 24),
  PUBLISHED_OUTBOX_KEEP_HOURS: hours.default(7 * 24),
  PRUNE_EVERY_SECONDS: z.coerce.number().positive().default(10),
  PRUNE_BATCH_ROWS: z.coerce.number().int().positive().max(100_000).default(2000),

  // ---- the projector (olap/config.ts)
  OLAP_FILE: z.string().min(1).optional(),
  /** Live streams (SSE) one user may hold open at the projector at once; one more is 429. */
  OLAP_LIVE_STREAMS_PER_USER: z.coerce.number().int().positive().default(8),
  OLAP_BATCH_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(32 * 1024 * 1024),
  // DuckDB takes 80% of the machine's RAM and every core by default; the projector shares a Pi.
  OLAP_MEMORY_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?\s*[KMGT]i?B$/i)
    .default('256MB'),
  OLAP_THREADS: z.coerce.number().int().min(1).max(64).default(2),
  /** payroll_by_department shows no department of fewer active employees than this apart (olap/payroll-groups.ts). */
  PAYROLL_MIN_GROUP_SIZE: z.coerce.number().int().min(1).default(3),

  // ---- documents in object storage (shared/documents/)
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
    .default('erpbi-documents'),
  /** Which of the bucket's key pairs a process uses (shared/documents/storage-keys.ts): the secrets
   *  s3-<S3_KEYS>-access-key-id and -secret-access-key; render-document `writer`, query `reader`. */
  S3_KEYS: z.enum(storageKeyUses).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** The projector's Parquet exports (olap/export-parquet.ts): a bucket apart from the documents', with key pairs of its own. */
  OLAP_EXPORT_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
    .default('erpbi-olap'),
  /** How many Parquet exports stay in it: each new one whole, the older ones beyond this are removed (olap/export-prune.ts). */
  OLAP_EXPORT_KEEP: z.coerce.number().int().min(1).max(1000).default(7),

  // ---- e-mail to customers (shared/email/): off while SMTP_HOST is unset
  /** The SMTP server documents are sent through (the firm's mail provider or relay). */
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: port.default(587),
  /** `starttls`: plain connection upgraded with STARTTLS, refused without it (port 587); `tls`: TLS from the
   *  first byte (port 465); `none`: no TLS at all, only for a relay on the same host or a test sink. */
  SMTP_SECURITY: z.enum(['starttls', 'tls', 'none']).default('starttls'),
  /** Sign-in at the server, when it asks for one; the password is the secret smtp-password. */
  SMTP_USER: z.string().min(1).optional(),
  /** Empty counts as none: the secret file exists on every box, empty where the server asks for no sign-in. */
  SMTP_PASSWORD: z
    .string()
    .optional()
    .transform((v) => v || undefined),
  /** The From of every message (`Firm <billing@firm.example>` or a bare address); required with SMTP_HOST. */
  EMAIL_FROM: z.string().min(3).optional(),
  /** Where customers' answers go, when not to EMAIL_FROM. */
  EMAIL_REPLY_TO: z.string().min(3).optional(),

  // ---- backups (npx erpbi backup): where a copy goes off the box, when set (cli/backup/backup.ts)
  ERPBI_BACKUP_RCLONE_REMOTE: z.string().min(1).optional(),
  /** age recipients (`age1...`, comma- or space-separated) every backup is encrypted to. */
  ERPBI_BACKUP_RECIPIENTS: z.string().min(1).optional(),
  /** A file of age recipients (`age -R`'s format: one or more a line, `#` comments); adds to ERPBI_BACKUP_RECIPIENTS. */
  ERPBI_BACKUP_RECIPIENTS_FILE: z.string().min(1).optional(),
  /** The age identity file (age-keygen's format, mode 0600) that restore and the drill decrypt with. */
  ERPBI_BACKUP_IDENTITY_FILE: z.string().min(1).optional(),
  /** The drill's server (`erpbi backup verify`): a URL of a role that may create databases; the scratch
   *  database is made beside its database and dropped after. DATABASE_URL when unset. */
  ERPBI_DRILL_DATABASE_URL: z.string().min(1).optional(),
  /** Keycloak's database (its users) as its own role `keycloak`: `erpbi backup` dumps it too, `erpbi restore`
   *  restores the backup's into it (then it must be EMPTY). Unset: no Keycloak database in the backup. */
  KEYCLOAK_DATABASE_URL: z.string().min(1).optional(),
  /** Where `erpbi backup` and `backup verify` record their outcome (shared/backup-status.ts): the
   *  nightly job sets it. Unset: nothing recorded (a backup by hand). */
  ERPBI_BACKUP_STATUS_FILE: z.string().min(1).optional(),
  /** The same file as the connector reads it for Prometheus (no gauges when unset). A name of its own: a
   *  backup run by hand in the connector's container (`compose run connector ...`) inherits the
   *  connector's environment, and must not try to write the connector's read-only mount. */
  ERPBI_BACKUP_STATUS_EXPORT_FILE: z.string().min(1).optional(),
  /** The certificate Traefik serves (PEM), read by the connector for erpbi_tls_certificate_expiry_timestamp_seconds. */
  TLS_CERT_FILE: z.string().min(1).optional(),

  // ---- npm start (runtime/box/main.ts) and the processes it wires together
  /** The box's port for people (the gateway). */
  ERPBI_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  /** The workspace's built files, served by the gateway. */
  WEB_DIR: z.string().min(1).optional(),
  /** {process name: port} of the functions and the connector, followed by the gateway (runtime/box/ports-file.ts). */
  GATEWAY_PORTS_FILE: z.string().min(1).optional(),
  /** The names /function/<name> reaches. */
  GATEWAY_FUNCTIONS: names.default(new Set<string>()),
  /** Processes /healthz also waits for (the connector), not routed. */
  GATEWAY_ALSO_WATCH: names.default(new Set<string>()),
  /** The box's object storage process (runtime/box/object-storage-main.ts): its files, port and address. */
  S3RVER_DIR: z.string().min(1).optional(),
  S3RVER_PORT: port.optional(),
  S3RVER_ADDRESS: z.string().min(1).default('127.0.0.1'),

  // ---- plain Docker's gateway (gateway/compose-gateway.ts): faasd's names and ports
  METRICS_PORT: port.default(8082),
  /** The port every function container listens on. */
  FUNCTION_PORT: port.default(8080),

  // ---- the dev issuer on its own (runtime/dev-issuer/main.ts, the container test's Keycloak stand-in)
  WEB_CLIENT_ID: z.string().min(1).default('erpbi-dashboard'),
  /** Origins of the workspace (comma-separated), like the client's redirect URIs in the realm. */
  REDIRECT_ORIGINS: z
    .string()
    .transform((s) => s.split(',').map((o) => new URL(o.trim()).origin))
    .optional(),
  /** Host header values (host[:port], comma-separated) its sign-in page and token endpoint also answer to, beside the issuer URL's host. */
  ISSUER_EXTRA_HOSTS: names.default(new Set<string>()),

  // ---- Keycloak's own settings, which the container test's stand-in reads as Keycloak does
  // (runtime/dev-issuer/keycloak-stand-in/): set, the dev issuer keeps its users in Keycloak's database and answers
  // Keycloak's admin API; unset (npm start), it signs in its demo users.
  /** Keycloak's database, as Keycloak takes it: jdbc:postgresql://host:port/database. */
  KC_DB_URL: z
    .string()
    .regex(/^jdbc:postgresql:\/\/[^/]+\/[^/?]+$/, 'is not jdbc:postgresql://host[:port]/database')
    .optional(),
  KC_DB_USERNAME: z.string().min(1).optional(),
  /** The secret keycloak-db-password. */
  KC_DB_PASSWORD: z.string().min(1).optional(),
  /** The master realm's temporary admin, made on a first start with no user in master (Keycloak 26). */
  KC_BOOTSTRAP_ADMIN_USERNAME: z.string().min(1).optional(),
  /** The secret keycloak-admin-password. */
  KC_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(1).optional(),
});
export type Settings = z.infer<typeof settings>;
type Key = keyof Settings;

/** A secret: the file `<SECRETS_DIR>/<fileName>`, else the environment's `envName`. Also read at use by
 *  what may change while a process runs (the company profile on the PDFs). */
export function secret(fileName: string, envName: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = settings.shape.SECRETS_DIR.parse(env.SECRETS_DIR);
  try {
    return readFileSync(`${dir}/${fileName}`, 'utf8').trim();
  } catch {
    return env[envName];
  }
}

/** Settings a secret file may hold: faasd mounts each service's own. */
const secretFiles: Partial<Record<Key, string | ((env: NodeJS.ProcessEnv) => string | undefined)>> = {
  DATABASE_URL: (env) => databaseUrlSecret(env.DATABASE_ACCESS),
  // no user, no password to look for
  NATS_PASSWORD: (env) => (env.NATS_USER ? natsPasswordSecret(env.NATS_USER) : undefined),
  CLIENT_SECRET: 'connector-client-secret',
  // no S3_KEYS, no file to look for: the pair is then the environment's (npm start's own storage)
  S3_ACCESS_KEY_ID: (env) => (isStorageKeyUse(env.S3_KEYS) ? storageKeySecrets(env.S3_KEYS).accessKeyId : undefined),
  S3_SECRET_ACCESS_KEY: (env) => (isStorageKeyUse(env.S3_KEYS) ? storageKeySecrets(env.S3_KEYS).secretAccessKey : undefined),
  SMTP_PASSWORD: 'smtp-password',
  KC_DB_PASSWORD: 'keycloak-db-password',
  KC_BOOTSTRAP_ADMIN_PASSWORD: 'keycloak-admin-password',
};

/**
 * The settings `keys` from the environment (and secret files), checked by the one schema; those in
 * `required` must be set. Throws `erpbi: bad configuration: ...` naming every problem.
 */
export function readConfig<K extends Key, R extends K = never>(
  keys: readonly K[],
  opts: { required?: readonly R[]; env?: NodeJS.ProcessEnv } = {},
): Pick<Settings, K> & { [P in R]-?: NonNullable<Settings[P]> } {
  const env = opts.env ?? process.env;
  const given: Record<string, unknown> = {};
  const fileOf = (k: Key) => {
    const f = secretFiles[k];
    return typeof f === 'function' ? f(env) : f;
  };
  for (const k of keys) given[k] = fileOf(k) ? (secret(fileOf(k)!, k, env) ?? undefined) : env[k];
  const schema = settings.pick(Object.fromEntries(keys.map((k) => [k, true])) as Record<Key, true>);
  const parsed = schema.safeParse(given);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  for (const k of opts.required ?? []) {
    if (parsed.success && (parsed.data as Record<string, unknown>)[k] === undefined) {
      problems.push(`${k}${fileOf(k) ? ` (or the secret ${fileOf(k)})` : ''} is required`);
    }
  }
  if (problems.length > 0) throw new Error(`erpbi: bad configuration: ${problems.join('; ')}`);
  return parsed.data as unknown as Pick<Settings, K> & { [P in R]-?: NonNullable<Settings[P]> };
}

/** What a function reads (shared/http/serve.ts); `postgres: false` functions need no DATABASE_URL. */
export function functionConfig(env: NodeJS.ProcessEnv = process.env, needs: { postgres: boolean } = { postgres: true }) {
  const keys = [
    'FUNCTION_NAME',
    'PORT',
    'HOST',
    'DATABASE_URL',
    'DATABASE_ACCESS',
    'NATS_URL',
    'NATS_USER',
    'NATS_PASSWORD',
    'EVENTS_STREAM',
    'EVENTS_PREFIX',
    'AUTH_ISSUER',
    'AUTH_AUDIENCE',
    'AUTH_JWKS_URL',
    'AUTH_ROLES_CLAIM',
    'CLIENT_ID',
    'BODY_LIMIT_BYTES',
    'PG_POOL_MAX',
    'CPU_NICE',
    'IDEMPOTENCY_WINDOW_HOURS',
    'CHECK_ANSWERS',
  ] as const;
  return needs.postgres
    ? readConfig(keys, { env, required: ['FUNCTION_NAME', 'AUTH_ISSUER', 'NATS_URL', 'DATABASE_URL'] })
    : readConfig(keys, { env, required: ['FUNCTION_NAME', 'AUTH_ISSUER', 'NATS_URL'] });
}
export type Config = ReturnType<typeof functionConfig>;

/** The NATS user and password of the settings, when a user is set (the password is then required). */
export function natsCredentials(c: { NATS_USER?: NatsUser | undefined; NATS_PASSWORD?: string | undefined }): NatsCredentials | undefined {
  if (!c.NATS_USER) return undefined;
  if (!c.NATS_PASSWORD)
    throw new Error(`erpbi: bad configuration: NATS_PASSWORD (or the secret ${natsPasswordSecret(c.NATS_USER)}) is required with NATS_USER`);
  return { user: c.NATS_USER, password: c.NATS_PASSWORD };
}
