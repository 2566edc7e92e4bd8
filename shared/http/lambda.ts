import middy, { type MiddyfiedHandler } from '@middy/core';
import awsLambdaFastify from '@fastify/aws-lambda';
import type { Context } from 'aws-lambda';
import { rootLogger } from '../log.js';
import { assembleFunction, functionSettings, type FunctionParts } from './assemble.js';
import type { FunctionDefinition } from './definition.js';
import { errorMiddleware } from './lambda-errors.js';
import { httpEventMiddleware } from './lambda-http.js';
import { reactionMiddleware } from './lambda-reaction.js';
import type { HttpEvent, InvocationState, LambdaResponse } from './lambda-invocation.js';

export type LambdaHandler = MiddyfiedHandler<unknown, unknown, Error, Context, InvocationState> & {
  /** Closes what the first invoke opened (the app, NATS, the pool): for tests; Lambda just freezes the container. */
  close: () => Promise<void>;
};

/**
 * A function as an AWS Lambda handler (esbuild.config.mjs builds build/lambda/<name>.js exporting it as
 * `handler`). The same settings, pool, bus, token check and fastify app as serve.ts (assemble.ts), made
 * on the container's first invoke and kept for the next ones. API Gateway v2 HTTP events go through
 * @fastify/aws-lambda to the app, the Authorization header checked there as over HTTP; a reaction
 * envelope (lambda-reaction.ts) becomes the connector's POST '/'.
 */
export function lambdaHandler(def: FunctionDefinition): LambdaHandler {
  const log = rootLogger.child({ fn: def.name });
  let parts: Promise<FunctionParts & { proxy: (e: HttpEvent, c: Context) => Promise<LambdaResponse> }> | undefined;
  const start = async () => {
    const made = await assembleFunction(def, functionSettings(def), log, { waitForNats: false, lambda: true });
    try {
      // API Gateway's query parameters as fastify's parser reads them: `a=x,y` stays one string, not an array.
      const proxy = awsLambdaFastify<HttpEvent>(made.app, {
        decorateRequest: false,
        parseCommaSeparatedQueryParams: false,
        binaryMimeTypes: ['application/pdf'],
      });
      await made.app.ready();
      log.info('cold start: ready');
      return { ...made, proxy };
    } catch (err) {
      // Nothing of a failed start lingers into the next try (a NATS connection reconnecting for ever).
      await made.close();
      throw err;
    }
  };
  const ready = () =>
    (parts ??= start().catch((err: unknown) => {
      parts = undefined; // the next invoke tries again (NATS or the issuer may be back)
      throw err;
    }));
  // Befores run in this order, afters and onErrors in the reverse: the error mapping sees everything last,
  // and the HTTP check leaves alone what the reaction middleware has already turned into a request.
  const handler = middy(async (event: unknown, context: Context) => (await ready()).proxy(event as HttpEvent, context))
    .use(errorMiddleware(log))
    .use(reactionMiddleware(def.name))
    .use(httpEventMiddleware(def.name)) as LambdaHandler;
  handler.close = async () => {
    const p = await parts?.catch(() => undefined);
    parts = undefined;
    await p?.close();
  };
  return handler;
}
