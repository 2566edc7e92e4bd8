import { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import { eventRegistry, eventTypes, parseEventData, type EventData, type EventType } from './registry.js';

/** The envelope as it travels: its data is checked against the registry when it is read (parseEvent). */
export const envelopeSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(eventTypes as [EventType, ...EventType[]]),
    /** The version of the data's schema (shared/events/registry.ts). */
    version: z.number().int().positive(),
    occurredAt: z.iso.datetime(),
    aggregateType: z.string().min(1),
    aggregateId: z.string().min(1),
    correlationId: z.string().min(1),
    causationId: z.string().nullable(),
    actor: z.string().min(1),
    data: z.record(z.string(), z.unknown()),
  })
  .strict();
export type Envelope = z.infer<typeof envelopeSchema>;

/** An envelope whose data was parsed (and upgraded to the current version) by its registry entry. */
export type Event<K extends EventType = EventType> = {
  [T in K]: Omit<Envelope, 'type' | 'data' | 'version'> & { type: T; version: number; data: EventData<T> };
}[K];

/** Throws a ZodError (paths under `data`), or AppError unknown_event_version for data newer than this code. */
export function parseEvent(e: Envelope): Event {
  return { ...e, data: parseEventData(e.type, e.version, e.data) } as Event;
}

export interface Causation {
  correlationId: string;
  causationId: string | null;
  actor: string;
}

/** A new event: the data must pass its own contract here, at the producer, not first at a consumer.
 *  A failure is the producer's bug, so a plain Error (500), never the caller's 400. */
export function envelope<K extends EventType>(type: K, data: EventData<K>, cause: Causation, now = new Date()): Envelope {
  const entry = eventRegistry[type];
  const checked = entry.data.safeParse(data);
  if (!checked.success) throw new Error(`${type} does not match its contract: ${z.prettifyError(checked.error)}`);
  const parsed = checked.data as Record<string, unknown>;
  const aggregateId = (entry.aggregate.id as (d: unknown) => string)(parsed);
  return {
    id: uuidv7(),
    type,
    version: entry.version,
    occurredAt: now.toISOString(),
    aggregateType: entry.aggregate.type,
    aggregateId,
    data: parsed,
    ...cause,
  };
}
