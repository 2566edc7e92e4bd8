import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { Role } from '../../shared/auth/roles.js';
import type { FunctionDefinition } from '../../shared/http/definition.js';
import { buildApp } from '../../shared/http/app.js';
import { readStack } from '../../shared/stack.js';
import type { Pool } from '../../shared/db/pool.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { createTestBus, type TestBus } from './nats.js';
import { createTestKeys, type TestKeys } from './tokens.js';
import { createAnswerCheck, createRequestCheck } from './openapi-check.js';

const root = join(import.meta.dirname, '..', '..');

export interface CallOptions {
  role?: Role;
  token?: string | null;
  body?: unknown;
  /** A body sent as is (a Buffer for bytes that are not UTF-8 text); set its content-type in `headers`. */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  raw: Buffer;
  body: any;
}

/**
 * Every function of functions/ built in-process on one real Postgres database and one real JetStream
 * stream. `settle()` plays the connector: it hands each outbox event to the functions whose stack.yml
 * topics match, until nothing new appears.
 */
export interface Harness {
  db: TestDatabase;
  bus: TestBus;
  keys: TestKeys;
  call: (fn: string, path: string, opts?: CallOptions) => Promise<Reply>;
  post: (fn: string, body: unknown, opts?: CallOptions) => Promise<Reply>;
  get: (fn: string, path: string, opts?: CallOptions) => Promise<Reply>;
  deliver: (fn: string, event: unknown) => Promise<Reply>;
  settle: (opts?: { concurrent?: boolean }) => Promise<number>;
  close: () => Promise<void>;
}

export async function loadDefinitions(): Promise<FunctionDefinition[]> {
  const names = readdirSync(join(root, 'functions')).sort();
  const defs: FunctionDefinition[] = [];
  for (const name of names) {
    const mod = (await import(join(root, 'functions', name, 'handler.ts'))) as { default: FunctionDefinition };
    defs.push(mod.default);
  }
  return defs;
}

/**
 * `leaveOut`: functions settle() does not deliver to. By default render-document, which needs object
 * storage: tests/integration/documents.test.ts starts one and delivers to it itself.
 * `db`: a database of the test's own instead of a new one (its drop() runs on close); `poolOf`: the
 * pool a function uses, when not db.pool (tests/integration/db-roles.test.ts: each as its Postgres role).
 */
export async function createHarness(label = 'h', opts: { leaveOut?: string[]; db?: TestDatabase; poolOf?: (fn: string) => Pool } = {}): Promise<Harness> {
  const leaveOut = new Set(opts.leaveOut ?? ['render-document']);
  const [db, bus, keys, defs] = await Promise.all([opts.db ?? createTestDatabase(label), createTestBus(label), createTestKeys(), loadDefinitions()]);
  const log = pino({ level: 'silent' });
  const apps = new Map<string, FastifyInstance>();
  for (const def of defs) {
    apps.set(
      def.name,
      buildApp(def, {
        deps: { db: opts.poolOf?.(def.name) ?? db.pool, js: bus.bus.js, prefix: bus.prefix, stream: bus.stream, log },
        verify: keys.verifier,
        checkAnswers: 'refuse',
      }),
    );
  }
  const topics = readStack(join(root, 'stack.yml'), bus.prefix).filter((f) => f.topics.length > 0 && !leaveOut.has(f.name));
  const serviceToken = await keys.token('service', 'connector');
  const dispatched = new Set<string>();
  // Every body an integration test POSTs is held against /openapi.json (tests/support/openapi-check.ts).
  const checkRequest = createRequestCheck(defs);
  // And every success answer against its schema there (the same zod schemas, as JSON Schema).
  const checkAnswer = createAnswerCheck(defs);

  const call = async (fn: string, path: string, opts: CallOptions = {}): Promise<Reply> => {
    const app = apps.get(fn);
    if (!app) throw new Error(`no function ${fn}`);
    const token = opts.token === undefined ? (opts.role ? await keys.token(opts.role) : undefined) : opts.token;
    const isGet = opts.body === undefined && opts.rawBody === undefined;
    const res = await app.inject({
      method: isGet ? 'GET' : 'POST',
      url: path,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(isGet ? {} : { 'content-type': 'application/json' }),
        ...opts.headers,
      },
      ...(isGet ? {} : { payload: opts.rawBody ?? JSON.stringify(opts.body) }),
    });
    if (!isGet) checkRequest(fn, path, opts.rawBody === undefined ? JSON.stringify(opts.body) : String(opts.rawBody), res.statusCode);
    const type = String(res.headers['content-type'] ?? '');
    // JSON is parsed; anything else (a PDF, a CSV) is kept as text in body and as bytes in raw.
    const body: unknown = !res.body ? undefined : type.startsWith('application/json') ? JSON.parse(res.body) : res.body;
    checkAnswer(isGet ? 'get' : 'post', fn, path, res.statusCode, type, body);
    return { status: res.statusCode, headers: res.headers, raw: res.rawPayload, body };
  };
  const deliver = (fn: string, event: unknown) => call(fn, '/', { token: serviceToken, body: event });

  const settle = async (opts: { concurrent?: boolean } = {}) => {
    let total = 0;
    for (;;) {
      const { rows } = await db.pool.query<{ id: string; subject: string; payload: unknown }>(
        'select id, subject, payload from platform.outbox order by created_at, id',
      );
      const fresh = rows.filter((r) => !dispatched.has(r.id));
      if (fresh.length === 0) return total;
      const jobs = fresh.flatMap((r) => {
        dispatched.add(r.id);
        return topics
          .filter((f) => f.topics.includes(r.subject))
          .map((f) => async () => {
            const res = await deliver(f.name, r.payload);
            if (res.status !== 200) throw new Error(`${f.name} answered ${res.status} to ${r.subject}: ${JSON.stringify(res.body)}`);
          });
      });
      total += jobs.length;
      if (opts.concurrent) await Promise.all(jobs.map((j) => j()));
      else for (const j of jobs) await j();
    }
  };

  return {
    db,
    bus,
    keys,
    call,
    post: (fn, body, opts) => call(fn, '/', { ...opts, body }),
    get: (fn, path, opts) => call(fn, path, opts),
    deliver,
    settle,
    close: async () => {
      await Promise.all([...apps.values()].map((a) => a.close()));
      await bus.cleanup();
      await db.drop();
    },
  };
}
