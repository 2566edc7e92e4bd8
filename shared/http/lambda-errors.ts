import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { AppError } from '../errors.js';
import { isDependencyOutage } from '../dependency-outage.js';
import type { Logger } from '../log.js';
import { toHttp } from './errors-to-http.js';
import { BadInvocation, ReactionError, type InvocationState, type LambdaResponse } from './lambda-invocation.js';

/**
 * Middy middleware: what the app did not answer itself (its own errors are already answers: app.ts).
 * That is a cold start that failed (bad configuration, NATS out of reach) or a bug of ours around the
 * app. An HTTP invocation gets the answer any request gets for it (shared/http/errors-to-http.ts): 503
 * not_ready while a dependency is away, else a plain 500 that echoes nothing. A reaction, or an
 * invocation that is neither, is thrown on: its caller retries or dead-letters it.
 */
export function errorMiddleware(log: Logger): MiddlewareObj<unknown, unknown, Error, Context, InvocationState> {
  return {
    onError: (request) => {
      const err = request.error;
      if (request.internal.kind === 'http') {
        const { status, body, unexpected } = toHttp(isDependencyOutage(err) ? new AppError('not_ready', 'a dependency is not available; retry later') : err);
        if (unexpected) log.error({ err }, 'unexpected error');
        else log.warn({ err: err?.message, status }, 'invocation not served');
        const answer: LambdaResponse = { statusCode: status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
        request.response = answer;
        return;
      }
      // Expected failures (the function's answer, a bad payload) are one warning; anything else is ours.
      if (err instanceof ReactionError || err instanceof BadInvocation) log.warn({ err: err.message, type: err.name }, 'reaction not applied');
      else log.error({ err }, 'reaction invocation failed');
    },
  };
}
