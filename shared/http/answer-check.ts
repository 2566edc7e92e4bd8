import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { FunctionDefinition } from './definition.js';
import type { AnswerCheck } from './answer-check-modes.js';
import { answerIssues } from './checked-once.js';
import { reactionAnswer } from './reaction-answer.js';

// The server holding its own answers to their schemas (issue 23). A success answer that does not match
// the schema its route declares is our bug: with CHECK_ANSWERS=refuse (the tests: tests/support/harness.ts,
// the boxes of tests/support/box.ts) it is the catalogue's 500 `internal`, the zod issues in the log and
// never in the answer; with `log` (the default) it is logged the same way and sent. Why not refuse in
// production: a record stored under older rules would make a read that works today a 500 for every
// client, where the workspace, which parses each answer with the same schema, already says it on screen.
// The cost is small either way: about 0.5 ms per 100-row page of orders on one x86 core (JSON.stringify
// of the same page: 0.4 ms); 2-4 ms for sales_by_hour's 2,880 rows, paid once per answer the projector
// keeps (checked-once.ts), not at every send.

interface Declared {
  /** Path parameters fixed to one value (a mount's per-query entries): the entry holds for those alone. */
  fixed?: Readonly<Record<string, string>> | undefined;
  byStatus: ReadonlyMap<number, z.ZodType>;
}

/** Every schema a definition declares for a success answer, by `METHOD url` as fastify registers it. */
export function declaredAnswers(def: FunctionDefinition): Map<string, Declared[]> {
  const out = new Map<string, Declared[]>();
  const add = (method: string, url: string, d: Declared) => out.set(`${method} ${url}`, [...(out.get(`${method} ${url}`) ?? []), d]);
  for (const route of def.routes) {
    if (route.kind === 'query') add('GET', route.path, { byStatus: new Map([[200, route.answer]]) });
    else if (route.kind === 'reaction') add('POST', '/', { byStatus: new Map([[200, reactionAnswer]]) });
    else if (route.kind === 'command' && route.answer) add('POST', route.path ?? '/', { byStatus: new Map([[route.successStatus ?? 200, route.answer]]) });
    else if (route.kind === 'mount') {
      for (const m of route.describe ?? []) {
        const byStatus = new Map(Object.entries(m.responses).flatMap(([status, r]) => (r.schema ? [[Number(status), r.schema] as const] : [])));
        if (byStatus.size > 0) add(m.method, m.path, { fixed: m.fixed, byStatus });
      }
    }
  }
  return out;
}

/** The schema an answer to this request with this status must match: a fixed entry matching the
 *  request's parameters before the route's general one. */
function schemaFor(declared: Map<string, Declared[]>, req: FastifyRequest, status: number): z.ZodType | undefined {
  const entries = declared.get(`${req.method} ${req.routeOptions.url ?? ''}`) ?? [];
  const params = (req.params ?? {}) as Record<string, string>;
  const fitting = entries.filter((e) => !e.fixed || Object.entries(e.fixed).every(([k, v]) => params[k] === v));
  const chosen = fitting.find((e) => e.fixed) ?? fitting[0];
  return chosen?.byStatus.get(status);
}

/** A fastify preSerialization hook checking each JSON success answer against its declared schema. */
export function answerCheck(def: FunctionDefinition, log: Logger, mode: Exclude<AnswerCheck, 'off'>) {
  const declared = declaredAnswers(def);
  return async (req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    if (reply.statusCode >= 300) return payload;
    const schema = schemaFor(declared, req, reply.statusCode);
    if (!schema) return payload;
    // A settled value sent again (the projector's kept answers) is not checked again: checked-once.ts.
    const issues = answerIssues(schema, payload);
    if (!issues) return payload;
    log.error({ correlationId: req.id, fn: def.name, route: `${req.method} ${req.routeOptions.url}`, issues }, 'answer does not match its schema');
    if (mode === 'log') return payload;
    throw new AppError('internal', 'the answer did not match its schema');
  };
}
