import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Registry } from 'prom-client';
import type { Role, Principal } from '../auth/roles.js';
import type { Event } from '../events/envelope.js';
import type { EventType } from '../events/registry.js';
import type { Pool } from '../db/pool.js';
import type { Deps, UnitOfWork } from '../unit-of-work.js';
import type { Logger } from '../log.js';
import type { ErrorCode } from '../errors.js';
import type { CsvExport } from './csv.js';

export interface Answer {
  status: number;
  body: unknown;
}

/** A POST that changes state in one unit of work; `idempotent` honours the Idempotency-Key header. */
export interface CommandRoute<S extends z.ZodType> {
  kind: 'command';
  /** Where under the function it is posted: '/' (the default) is `POST /function/<name>`; a function
   *  hosting more than one command (faasd CE deploys at most 15 functions) names the others, e.g. '/refund'. */
  path?: string;
  roles: readonly Role[];
  body: S;
  idempotent?: boolean;
  successStatus?: number;
  /** Optional: the success answer's schema, as a read's `answer` (OpenAPI, the workspace, CHECK_ANSWERS). */
  answer?: z.ZodType;
  run: (uow: UnitOfWork, input: z.infer<S>, actor: Principal) => Promise<unknown>;
}

/** What a reaction may use beside its unit of work: the pool, for a write that must stay committed
 *  whatever becomes of the reaction's transaction (an e-mail's delivery state, shared/billing/deliveries.ts). */
export interface ReactionContext {
  db: Pool;
  log: Logger;
}

/** What a reaction does per event type; each handler gets the event with its data parsed by the registry. */
export type EventHandlers = { [K in EventType]?: (uow: UnitOfWork, event: Event<K>, ctx: ReactionContext) => Promise<void> };

/** An event reaction, invoked by the connector with the service role; each event's effect happens once.
 *  The types in `on` are exactly the subjects stack.yml subscribes it to (tests/deploy/asyncapi.test.ts);
 *  an event of another type is answered 422 `unhandled_event`, so the connector dead-letters it. */
export interface ReactionRoute {
  kind: 'reaction';
  on: EventHandlers;
}

/** A read: GET at `path` (fastify syntax), params and query validated by `input`. */
export interface QueryRoute<S extends z.ZodType> {
  kind: 'query';
  path: string;
  /** Required: every read names who may make it (shared/auth/permissions.ts, readRoles). */
  roles: readonly Role[];
  input: S;
  run: (db: Pool, input: z.infer<S>, actor: Principal) => Promise<unknown>;
  /** Optional: `Accept: text/csv` answers every row as CSV, all pages streamed (shared/http/csv.ts). */
  csv?: CsvExport<z.infer<S>>;
  /** Required: the answer's schema (shared/query/answers/): OpenAPI's success schema, the workspace's type,
   *  and checked against every answer where CHECK_ANSWERS is on (shared/http/answer-check.ts). */
  answer: z.ZodType;
}

/** Routes that fit none of the above (batches, server-sent events): the function adds them to the app
 *  itself, still behind the app's error mapping and with the same token check. */
export interface MountRoute {
  kind: 'mount';
  register: (app: FastifyInstance, ctx: MountContext) => void;
  /** Every route `register` adds, for /openapi.json: code cannot be read like the other kinds. A route
   *  left out fails tests/deploy/openapi.test.ts. */
  describe?: readonly MountOperation[];
}

/** One route of a mount as shared/http/openapi.ts documents it; schemas are the ones the route parses with. */
export interface MountOperation {
  method: 'GET' | 'POST';
  /** As registered (fastify syntax, relative to the function), e.g. `/query/:name`. */
  path: string;
  /** Path parameters fixed to one value: the entry documents that value alone (the BI queries take other parameters by name). */
  fixed?: Readonly<Record<string, string>>;
  summary: string;
  description?: string;
  /** Who may call it (any one of these roles); required, as for every other route. */
  roles: readonly Role[];
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Success answers by status: what they hold and their media types. */
  responses: Readonly<Record<number, { description: string; mediaTypes: readonly string[]; /** The JSON answer's schema (issue 23). */ schema?: z.ZodType }>>;
  /** Codes the route answers beyond those of every route (token, role, validation, not_ready, internal). */
  errors?: readonly ErrorCode[];
}

export interface MountContext {
  deps: Deps;
  /** The function's Prometheus registry, for metrics of its own. */
  registry: Registry;
  /** Checks an `Authorization` value (`Bearer <jwt>`) and the roles; throws the catalogue's 401/403. */
  authorize: (authorization: string | undefined, allowed: readonly Role[]) => Promise<Principal>;
}

export type FunctionRoute = CommandRoute<z.ZodType> | ReactionRoute | QueryRoute<z.ZodType> | MountRoute;

export interface FunctionDefinition {
  name: string;
  routes: FunctionRoute[];
  /** false: the function never touches Postgres, so it needs no DATABASE_URL and never connects. */
  postgres?: boolean;
}

// Helpers keep each handler's input type tied to its schema.
export const command = <S extends z.ZodType>(r: Omit<CommandRoute<S>, 'kind'>): FunctionRoute => ({ kind: 'command', ...r }) as unknown as FunctionRoute;
export const reaction = (r: Omit<ReactionRoute, 'kind'>): FunctionRoute => ({ kind: 'reaction', ...r });
export const query = <S extends z.ZodType>(r: Omit<QueryRoute<S>, 'kind'>): FunctionRoute => ({ kind: 'query', ...r }) as unknown as FunctionRoute;
export const mount = (r: Omit<MountRoute, 'kind'>): FunctionRoute => ({ kind: 'mount', ...r });
export const defineFunction = (def: FunctionDefinition): FunctionDefinition => def;
