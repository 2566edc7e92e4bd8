import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { verdict } from '../../triggers/retry-policy.js';
import { reactionAnswer } from './reaction-answer.js';
import { BadInvocation, ReactionError, problems, type HttpEvent, type InvocationState, type LambdaResponse } from './lambda-invocation.js';

/**
 * The event-reaction envelope: what a NATS->Lambda bridge (or an SQS or EventBridge rule in front of the
 * function) invokes a reaction's Lambda with, in place of the connector's POST (triggers/connector.ts):
 *
 *   { "erpbi": "reaction", "token": "<service JWT>", "event": { <the JetStream message: an erpbi event> },
 *     "deliveryId": "reserve-stock-1234" }
 *
 * `token` is what the connector sends as `Authorization: Bearer`: a token issued to the connector's client
 * with the `service` role, checked by the app as every request's is. `event` is the message body as the
 * connector posts it, checked by the app (shared/events/envelope.ts). `deliveryId`, optional, becomes the
 * request's correlation id in the logs (the connector's is `<function>-<stream sequence>`).
 *
 * The result is the app's answer, `{ "outcome": "applied" | "duplicate" }`: the bridge acks. Any other
 * answer throws (ReactionError), so the invoke fails and its caller redelivers or dead-letters as the
 * connector would: `errorType` ReactionRefused or BadInvocation: dead-letter now; anything else: retry.
 */
export const reactionEnvelope = z.strictObject({
  erpbi: z.literal('reaction'),
  token: z.string().regex(/^[A-Za-z0-9._~+/=-]+$/, 'a JWT (no "Bearer " before it)'),
  event: z.record(z.string(), z.unknown()),
  deliveryId: z
    .string()
    .regex(/^[\w.:-]{1,100}$/, 'letters, digits, _ . : - (at most 100)')
    .optional(),
});
export type ReactionEnvelope = z.infer<typeof reactionEnvelope>;

/** An invocation that says it is a reaction (an `erpbi` key), to be held to the envelope's schema. */
const claimsReaction = (e: unknown): boolean => typeof e === 'object' && e !== null && 'erpbi' in e;

/** The POST '/' the connector makes, as the API Gateway v2 event @fastify/aws-lambda turns into a request. */
export function reactionRequest(r: ReactionEnvelope): HttpEvent {
  return {
    version: '2.0',
    rawPath: '/',
    rawQueryString: '',
    headers: {
      authorization: `Bearer ${r.token}`,
      'content-type': 'application/json',
      ...(r.deliveryId ? { 'x-correlation-id': r.deliveryId } : {}),
    },
    body: JSON.stringify(r.event),
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path: '/' } },
  };
}

const errorAnswer = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });

/** The app's answer to a reaction, as the invoke's result; anything but 2xx thrown, named as the connector would treat it. */
export function reactionResult(fn: string, res: LambdaResponse): z.infer<typeof reactionAnswer> {
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    body = undefined;
  }
  if (res.statusCode >= 200 && res.statusCode < 300) {
    const answer = reactionAnswer.safeParse(body);
    // A 2xx that is not a reaction's answer is our bug: a failed invoke, retried, not a silent ack.
    if (!answer.success) throw new ReactionError(true, 500, `${fn} answered ${res.statusCode} without an outcome: ${res.body.slice(0, 500)}`);
    return answer.data;
  }
  const e = errorAnswer.safeParse(body).data?.error;
  const said = e ? `${e.code}: ${e.message}${e.details === undefined ? '' : ` ${JSON.stringify(e.details)}`}` : res.body.slice(0, 500);
  // One policy for both ways in: the connector's (triggers/retry-policy.ts), at a first delivery.
  const retry = verdict(res.statusCode, 1, said).action === 'retry';
  throw new ReactionError(retry, res.statusCode, `${fn} answered ${res.statusCode} ${said}`.slice(0, 2000));
}

/** Middy middleware: an envelope becomes the connector's POST before the handler, its answer the invoke's result after. */
export function reactionMiddleware(fn: string): MiddlewareObj<unknown, unknown, Error, Context, InvocationState> {
  return {
    before: (request) => {
      if (!claimsReaction(request.event)) return;
      request.internal.kind = 'reaction';
      const parsed = reactionEnvelope.safeParse(request.event);
      if (!parsed.success) throw new BadInvocation(`not a valid reaction envelope: ${problems(parsed.error)}`);
      request.event = reactionRequest(parsed.data);
    },
    after: (request) => {
      if (request.internal.kind !== 'reaction') return;
      request.response = reactionResult(fn, request.response as LambdaResponse);
    },
  };
}
