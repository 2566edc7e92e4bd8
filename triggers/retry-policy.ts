// How the connector treats a function's answer to an event.

/** Deliveries before an event a function keeps failing is dead-lettered; stack.yml's erpbi.max-deliver overrides it. */
export const maxDeliver = 8;
const delaysMs = [250, 1000, 2000, 5000, 10_000, 30_000, 60_000];

export type Verdict = { action: 'ack' } | { action: 'retry'; delayMs: number } | { action: 'dead-letter'; reason: string };

/**
 * 2xx: done. A 4xx other than auth/timeouts/throttling means the event itself is refused (a poison
 * message): dead-letter it at once. Anything else is transient: retry with growing delays, then
 * dead-letter after the last delivery.
 */
export function verdict(status: number | undefined, deliveryCount: number, detail: string, lastDelivery = maxDeliver): Verdict {
  if (status !== undefined && status >= 200 && status < 300) return { action: 'ack' };
  const transient = status === undefined || status >= 500 || [401, 403, 404, 408, 425, 429].includes(status);
  if (!transient) return { action: 'dead-letter', reason: `refused with ${status}: ${detail}` };
  if (deliveryCount >= lastDelivery) return { action: 'dead-letter', reason: `failed ${deliveryCount} times, last: ${status ?? 'no answer'} ${detail}` };
  return { action: 'retry', delayMs: delaysMs[Math.min(deliveryCount - 1, delaysMs.length - 1)]! };
}
