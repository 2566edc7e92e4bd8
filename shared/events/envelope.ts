import { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import { eventTypes, type EventType } from './catalogue.js';

export const envelopeSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(eventTypes as [EventType, ...EventType[]]),
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

export interface EventDraft {
  type: EventType;
  aggregateType: string;
  aggregateId: string;
  data: Record<string, unknown>;
}

export interface Causation {
  correlationId: string;
  causationId: string | null;
  actor: string;
}

export function envelope(draft: EventDraft, cause: Causation, now = new Date()): Envelope {
  return { id: uuidv7(), version: 1, occurredAt: now.toISOString(), ...draft, ...cause };
}
