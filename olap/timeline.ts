import type { SeqEvent } from './fold.js';

// An order's timeline: every event that names the order, as published, in stream order. Keyed by
// (order, seq), so a redelivered event lands on its own row again and a rebuild writes the same rows.

export interface TimelineRow {
  orderId: string;
  seq: number;
  id: string;
  type: string;
  occurredAt: string;
  actor: string;
  causationId: string | null;
  correlationId: string;
  /** The event's data as JSON text: DuckDB keeps it verbatim, the query parses it back. */
  data: string;
}

/** The orders an event is about: its data.orderId, and its aggregate when that is an order. */
export function ordersOf(event: NonNullable<SeqEvent['event']>): string[] {
  const ids = new Set<string>();
  if (typeof event.data.orderId === 'string' && event.data.orderId !== '') ids.add(event.data.orderId);
  if (event.aggregateType === 'order') ids.add(event.aggregateId);
  return [...ids];
}

/** Adds the event's timeline rows (none when it names no order) to `into`. */
export function addToTimeline(into: Map<string, TimelineRow>, { seq, event }: SeqEvent): void {
  if (!event) return;
  const orders = ordersOf(event);
  if (orders.length === 0) return;
  const data = JSON.stringify(event.data);
  for (const orderId of orders) {
    into.set(`${seq}:${orderId}`, {
      orderId, seq, id: event.id, type: event.type, occurredAt: event.occurredAt, actor: event.actor,
      causationId: event.causationId, correlationId: event.correlationId, data,
    });
  }
}
