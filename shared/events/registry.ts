import { z, ZodError } from 'zod';
import { AppError } from '../errors.js';
import { billingEvents } from './registry/billing.js';
import { hrEvents } from './registry/hr.js';
import { inventoryEvents } from './registry/inventory.js';
import { orderEvents } from './registry/orders.js';
import type { EventSpec } from './registry/spec.js';

// The event contract, in one place: every event type with the domain whose subject carries it
// (`<prefix>.<domain>.<type>`), the version of its data, the zod schema of that data, and the aggregate
// it is about. Producers emit through it (UnitOfWork.emit parses what they give), reactions and the
// projector parse from it, and docs/asyncapi.json is generated from it. A field renamed here fails to
// compile in every producer and consumer.
//
// Each domain writes its events in its own file (shared/events/registry/: orders, inventory, billing,
// hr; the shapes they share in fields.ts, the entry's shape in spec.ts); this file joins them, in that
// order, into the one registry everything else imports.
//
// Versions: a change that old data would not pass bumps `version` and adds an `upgrade` from the
// version before, so events already in the stream (replayed by an OLAP rebuild, redelivered after a
// restart) still parse. An event newer than this code is refused, never guessed at.

export { orderLine } from './registry/fields.js';
export { domains, type Domain } from './registry/spec.js';

const joined = { ...orderEvents, ...inventoryEvents, ...billingEvents, ...hrEvents } as const;
// In one object literal a type named twice failed to compile; a spread keeps the later one silently, so
// a type two domains both name makes the registry's type `never` and this line fails to compile instead.
type Named<T> = keyof T;
type NamedTwice =
  | Extract<Named<typeof orderEvents>, Named<typeof inventoryEvents> | Named<typeof billingEvents> | Named<typeof hrEvents>>
  | Extract<Named<typeof inventoryEvents>, Named<typeof billingEvents> | Named<typeof hrEvents>>
  | Extract<Named<typeof billingEvents>, Named<typeof hrEvents>>;
export const eventRegistry: [NamedTwice] extends [never] ? typeof joined : never = joined;

type Registry = typeof eventRegistry;
export type EventType = keyof Registry;
export type EventData<K extends EventType> = z.infer<Registry[K]['data']>;
export const eventTypes = Object.keys(eventRegistry) as EventType[];

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(eventRegistry, value);
}

export function subjectFor(prefix: string, type: EventType): string {
  return `${prefix}.${eventRegistry[type].domain}.${type}`;
}

/** The data as the current version of its type: older data is upgraded first; newer data is refused
 *  (422 unknown_event_version); data that does not match is a ZodError with paths under `data`. */
export function parseEventData<K extends EventType>(type: K, version: number, data: unknown): EventData<K> {
  const entry: EventSpec<z.ZodType> = eventRegistry[type];
  const unreadable = () =>
    new AppError('unknown_event_version', `${type} version ${version} cannot be read: this code reads version ${entry.version}`, {
      type,
      version,
      current: entry.version,
    });
  if (!Number.isInteger(version) || version < 1 || version > entry.version) throw unreadable();
  let value = data;
  for (let v = version; v < entry.version; v++) {
    const up = entry.upgrade?.[v];
    if (!up) throw unreadable();
    value = up(value);
  }
  const parsed = entry.data.safeParse(value);
  if (!parsed.success) throw new ZodError(parsed.error.issues.map((i) => ({ ...i, path: ['data', ...i.path] })));
  return parsed.data as EventData<K>;
}
