import { AppError } from '../errors.js';
import { runUnitOfWork, type Deps, type UnitOfWork } from '../unit-of-work.js';
import type { Causation } from '../events/envelope.js';
import { requestHash } from './hash.js';
import { claim, complete, get, type KeyRef } from './persistence.js';

export interface IdempotentRequest extends KeyRef {
  /** The body as the client sent it: hashed in canonical form (hash.ts). */
  body: unknown;
  /** The status a first run answers with. */
  status: number;
  /** How long the answer is replayed (expiry.ts). */
  windowMs: number;
}

export interface IdempotentAnswer {
  status: number;
  body: unknown;
  /** True when this is the stored answer of an earlier request with the same key and body. */
  replayed: boolean;
}

/**
 * Runs a command once per key (the model: AWS Powertools' idempotency utility). The claim is made in the
 * command's own transaction, so a failed command rolls its claim back with everything else, and a
 * concurrent retry waits for the first request, then replays its committed answer. The same key with
 * another body is refused (422 idempotency_key_reused); a key whose record has expired is a new request.
 */
export async function runIdempotent(
  deps: Deps,
  cause: Causation,
  req: IdempotentRequest,
  work: (uow: UnitOfWork) => Promise<unknown>,
): Promise<IdempotentAnswer> {
  const hash = requestHash(req.body);
  const ref = { scope: req.scope, key: req.key };
  return runUnitOfWork(deps, cause, async (uow) => {
    if (await claim(uow.tx, ref, hash, req.windowMs)) {
      const body = await work(uow);
      await complete(uow.tx, ref, req.status, body);
      return { status: req.status, body, replayed: false };
    }
    // Read in the same transaction, under the claim's row lock: the record cannot expire into the pruner meanwhile.
    const stored = await get(uow.tx, ref);
    if (!stored || stored.status === null) throw new AppError('not_ready', 'the first request with this Idempotency-Key is still running');
    if (stored.requestHash !== hash) throw new AppError('idempotency_key_reused', 'this Idempotency-Key was used with another body');
    return { status: stored.status, body: stored.response, replayed: true };
  });
}
