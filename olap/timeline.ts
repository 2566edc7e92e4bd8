import type { SeqEvent } from './seq-event.js';
import type { Row } from './tables/declare.js';
import type { orderEvents } from './tables/facts.js';
import type { TableRows } from './tables/rows.js';

// An order's timeline: every event that names the order, as published, in stream order. Keyed by
// (order, seq), so a redelivered event lands on its own row again and a rebuild writes the same rows.

/** A row of order_events (olap/tables/facts.ts); `data` is the event's data as JSON text, which the query parses back. */
export type TimelineRow = Row<typeof orderEvents>;

/** The orders an event is about: its data.orderId, and its aggregate when that is an order. */
export function ordersOf(event: NonNullable<SeqEvent['event']>): string[] {
  const ids = new Set<string>();
  if (typeof event.data.orderId === 'string' && event.data.orderId !== '') ids.add(event.data.orderId);
  if (event.aggregateType === 'order') ids.add(event.aggregateId);
  return [...ids];
}

/** Adds the event's timeline rows (none when it names no order) to `into`. */
export function addToTimeline(into: TableRows<TimelineRow>, { seq, event }: SeqEvent): void {
  if (!event) return;
  const orders = ordersOf(event);
  if (orders.length === 0) return;
  const data = JSON.stringify(event.data);
  for (const orderId of orders) {
    into.put({
      orderId,
      seq,
      id: event.id,
      type: event.type,
      occurredAt: event.occurredAt,
      actor: event.actor,
      causationId: event.causationId,
      correlationId: event.correlationId,
      data,
    });
  }
}
