import { ZodError, type z } from 'zod';
import { AppError, errorBody, httpStatus, type ErrorBody } from '../errors.js';
import { DatabaseUnavailable } from '../db/pool.js';

// Fastify's own 4xx errors (body parsing) translated into our catalogue.
const fastifyCodes: Record<string, AppError['code']> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
};

// A dependency that is down or restarting: the request did nothing and may be retried, so 503 not_ready,
// not 500. Told by type and code only: a lost or refused Postgres connection (DatabaseUnavailable,
// shared/db/pool.ts), Postgres' SQLSTATEs for a server shutting down or a connection failure, and
// Node's codes for a connection refused or cut.
const transientCodes = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

export function validationError(err: ZodError): AppError {
  const details = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  return new AppError('validation_failed', 'the request does not match the schema', details);
}

/** Input parsed at the edge: the schema's value, or our 400 with a detail per problem. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/** The single mapping from anything thrown to an HTTP answer; unknown errors echo nothing. */
export function toHttp(err: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  let known: AppError | undefined;
  if (err instanceof AppError) known = err;
  else if (err instanceof ZodError) known = validationError(err);
  else if (err instanceof Error && 'code' in err && typeof err.code === 'string') {
    const code = fastifyCodes[err.code];
    if (code) known = new AppError(code, code === 'invalid_json' ? 'the body is not valid JSON' : err.message);
    else if (transientCodes.has(err.code)) known = new AppError('not_ready', 'a dependency is not available; retry later');
  }
  if (!known && err instanceof DatabaseUnavailable) known = new AppError('not_ready', 'a dependency is not available; retry later');
  if (known) return { status: httpStatus(known.code), body: errorBody(known), unexpected: false };
  return { status: 500, body: errorBody(new AppError('internal', 'internal error')), unexpected: true };
}
