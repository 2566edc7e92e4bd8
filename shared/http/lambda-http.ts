import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { BadInvocation, problems, type HttpEvent, type InvocationState } from './lambda-invocation.js';

// What of an API Gateway v2 event the handler relies on; the rest passes through to @fastify/aws-lambda.
const httpEvent = z.looseObject({
  version: z.literal('2.0'),
  rawPath: z.string().startsWith('/'),
  requestContext: z.looseObject({ http: z.looseObject({ method: z.string().min(1) }) }),
});

/**
 * Middy middleware for HTTP invocations: an API Gateway v2 (HTTP API, payload format 2.0) event, with
 * the gateway's `/function/<name>` before the function's own path taken off as OpenFaaS' gateway does
 * (gateway/gateway.ts), so one HTTP API routes `ANY /function/<name>` and `/function/<name>/{proxy+}` to
 * each function's Lambda and the workspace's URLs stay the same. Anything else that is not a reaction
 * (lambda-reaction.ts ran first) is refused with what it lacks.
 */
export function httpEventMiddleware(fn: string): MiddlewareObj<unknown, unknown, Error, Context, InvocationState> {
  const prefix = `/function/${fn}`;
  return {
    before: (request) => {
      if (request.internal.kind === 'reaction') return;
      const parsed = httpEvent.safeParse(request.event);
      if (!parsed.success)
        throw new BadInvocation(`neither an API Gateway v2 HTTP event nor a reaction envelope ({"erpbi":"reaction",...}): ${problems(parsed.error)}`);
      request.internal.kind = 'http';
      const event = parsed.data as unknown as HttpEvent;
      const { rawPath } = event;
      if (rawPath === prefix || rawPath.startsWith(`${prefix}/`)) {
        const path = rawPath.slice(prefix.length) || '/';
        request.event = { ...event, rawPath: path, requestContext: { ...event.requestContext, http: { ...event.requestContext.http, path } } };
      }
    },
  };
}
