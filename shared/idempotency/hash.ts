import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { AppError } from '../errors.js';

/**
 * The request's fingerprint for Idempotency-Key: sha256 of the body in RFC 8785 (JCS) form, so a client
 * that retries with its keys in another order or other whitespace is the same request, and any changed
 * value (or an array in another order) is another. JCS refuses what JSON cannot carry faithfully (a lone
 * UTF-16 surrogate): such a body is refused like any other invalid input, not hashed lossily.
 */
export function requestHash(body: unknown): string {
  let canonical: string | undefined;
  try {
    canonical = canonicalize(body ?? null);
  } catch (err) {
    throw new AppError('validation_failed', `the body has no canonical JSON form: ${(err as Error).message}`);
  }
  return createHash('sha256')
    .update(canonical ?? 'null')
    .digest('hex');
}
