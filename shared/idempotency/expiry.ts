/**
 * How long a stored answer is replayed: at least a day, as Stripe keeps its keys 24 h. A client retries
 * a lost answer within seconds to hours; a day also covers one that comes back the next morning. A
 * record past its window is a new request for the same key, and the connector's pruner deletes it
 * (triggers/pruner.ts). The function that stores the answer sets its `expires_at`, so the window is this
 * one setting, IDEMPOTENCY_WINDOW_HOURS, read by the functions (shared/config.ts); the pruner only follows `expires_at`.
 */
export const idempotencyWindowHours = { default: 24, min: 24 } as const;

export const defaultIdempotencyWindowMs = idempotencyWindowHours.default * 3600_000;
