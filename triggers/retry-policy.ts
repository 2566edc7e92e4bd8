// How the connector treats a function's answer to an event.

/** Deliveries before an event a function keeps failing is dead-lettered; stack.yml's erpbi.max-deliver overrides it. */
export const maxDeliver = 8;
const delaysMs = [250, 1000, 2000, 5000, 10_000, 30_000, 60_000];
/** How long the connector waits for a function's answer to one delivery. */
export const invokeTimeoutMs = 30_000;
/** How long JetStream waits for the connector's ack before it delivers again (a connector that died holding the message). */
export const ackWaitMs = 60_000;
/** JetStream's own limit: two above the connector's, which dead-letters at its last delivery itself, with the reason. */
export const consumerMaxDeliver = (lastDelivery: number) => lastDelivery + 2;

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

/**
 * The longest time from an event's first delivery to a function to its last redelivery, while the
 * connector runs: each gap between two deliveries is at most the answer's timeout plus the retry delay,
 * or the ack wait when the connector died holding the message; JetStream allows consumerMaxDeliver()
 * deliveries. A reaction's processed-event ids must be kept longer than this (triggers/retention.ts).
 * 8 deliveries: about 11 minutes; render-document's 1500: about 37.5 hours.
 */
export function redeliveryHorizonMs(lastDelivery = maxDeliver): number {
  let total = 0;
  for (let d = 1; d < consumerMaxDeliver(lastDelivery); d++) {
    total += Math.max(ackWaitMs, invokeTimeoutMs + delaysMs[Math.min(d - 1, delaysMs.length - 1)]!);
  }
  return total;
}
