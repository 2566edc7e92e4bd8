import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { LambdaResponse } from '@fastify/aws-lambda';
import type { ZodError } from 'zod';

// What a function's Lambda handler is invoked with, and the errors it throws instead of answering.

/** What the handler hands @fastify/aws-lambda: the fields of an API Gateway v2 (HTTP API, payload 2.0) event it reads. */
export type HttpEvent = Pick<APIGatewayProxyEventV2, 'version' | 'rawPath' | 'rawQueryString' | 'headers' | 'body' | 'isBase64Encoded'> & {
  queryStringParameters?: APIGatewayProxyEventV2['queryStringParameters'];
  cookies?: string[];
  requestContext: { http: { method: string; path: string; sourceIp?: string } } & Record<string, unknown>;
};

/** How the handler took the invocation: an HTTP request, or an event reaction (lambda-reaction.ts). */
export interface InvocationState extends Record<string, unknown> {
  kind?: 'http' | 'reaction';
}

export type { LambdaResponse };

/** Neither an API Gateway v2 HTTP event nor a well-formed reaction envelope: nothing to answer to, and
 *  retrying the same payload cannot help, so a caller dead-letters it. */
export class BadInvocation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadInvocation';
  }
}

/** A reaction the function answered with a status the connector would not ack. `ReactionRefused`: one
 *  the connector dead-letters at once (the event itself is refused: 400, 422 ...); `ReactionFailed`: one
 *  it retries (5xx, 401/403 a token that expired, 429 ...). Lambda reports the name as `errorType`. */
export class ReactionError extends Error {
  constructor(
    readonly retry: boolean,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = retry ? 'ReactionFailed' : 'ReactionRefused';
  }
}

/** Each problem a schema found, where it is: `token: a JWT (no "Bearer " before it); event: ...`. */
export function problems(err: ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ');
}
