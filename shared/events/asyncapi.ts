import { z } from 'zod';
import type { StackFunction } from '../stack.js';
import { envelopeSchema } from './envelope.js';
import { eventRegistry, eventTypes, type EventType } from './registry.js';

// /asyncapi.json and docs/asyncapi.json (AsyncAPI 3.0), derived from the event registry and stack.yml:
// one channel per event type (its NATS subject), its message the envelope with that type's data
// schema, a send operation per type (its domain publishes it through the outbox) and a receive
// operation per subscription in stack.yml. Nothing is restated, so the document cannot drift from
// what producers emit and reactions parse.

type JsonSchema = Record<string, unknown>;
const ref = ($ref: string) => ({ $ref });

/** JSON Schema draft-07, which AsyncAPI's default schema format extends. */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as JsonSchema;
  return rest;
}

function messageFor(type: EventType) {
  const entry = eventRegistry[type];
  const payload = envelopeSchema.extend({
    type: z.literal(type),
    version: z.number().int().min(1).max(entry.version).describe(`${entry.version} today; older versions are upgraded when read`),
    data: entry.data,
  });
  return {
    name: type,
    title: type,
    summary: entry.summary,
    contentType: 'application/json',
    headers: jsonSchema(z.object({ 'Nats-Msg-Id': z.string().describe('the event id: the stream drops a second publish of one event') })),
    payload: jsonSchema(payload),
    'x-erpbi': { domain: entry.domain, version: entry.version, aggregate: entry.aggregate.type },
  };
}

const channelFor = (type: EventType) => `${eventRegistry[type].domain}.${type}`;

export function asyncApiDocument(stack: readonly StackFunction[], opts: { version: string }) {
  const prefix = {
    default: 'erp',
    description: 'EVENTS_PREFIX: the first token of every subject (erp unless configured), so two boxes can share a nats-server.',
  };
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const type of eventTypes) {
    channels[type] = {
      address: `{prefix}.${channelFor(type)}`,
      title: type,
      description: eventRegistry[type].summary,
      messages: { [type]: ref(`#/components/messages/${type}`) },
      parameters: { prefix: ref('#/components/parameters/prefix') },
    };
    operations[`publish_${type}`] = {
      action: 'send',
      channel: ref(`#/channels/${type}`),
      summary: `The ${eventRegistry[type].domain} domain publishes ${type} after its transaction commits (transactional outbox).`,
      messages: [ref(`#/channels/${type}/messages/${type}`)],
    };
  }
  channels.all_events = {
    address: '{prefix}.>',
    title: 'every event',
    description: 'The whole stream, for a consumer of everything (the OLAP projector), in stream order.',
    messages: Object.fromEntries(eventTypes.map((t) => [t, ref(`#/components/messages/${t}`)])),
    parameters: { prefix: ref('#/components/parameters/prefix') },
  };
  for (const fn of stack) {
    for (const topic of fn.topics) {
      const [, ...rest] = topic.split('.');
      const subject = rest.join('.');
      const type = eventTypes.find((t) => channelFor(t) === subject);
      const channel = subject === '>' ? 'all_events' : type;
      if (!channel) throw new Error(`stack.yml subscribes ${fn.name} to ${topic}, which is no event type of the registry`);
      operations[`${fn.name}_receives_${channel}`] = {
        action: 'receive',
        channel: ref(`#/channels/${channel}`),
        summary: fn.batch
          ? `${fn.name} is fed every event in batches of up to ${fn.batch}, in stream order.`
          : `The connector delivers each ${channel} to ${fn.name} (POST /function/${fn.name}); each takes effect once.`,
        messages:
          channel === 'all_events' ? eventTypes.map((t) => ref(`#/channels/all_events/messages/${t}`)) : [ref(`#/channels/${channel}/messages/${channel}`)],
        'x-erpbi': { function: fn.name, deployedAs: fn.deployedAs, ...(fn.maxDeliver ? { maxDeliver: fn.maxDeliver } : {}) },
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'erpbi events',
      version: opts.version,
      description:
        "The events erpbi's domains publish on NATS JetStream (one stream over `<prefix>.>`), and which function reacts to which. " +
        'Every message is an envelope (id, type, version, occurredAt, aggregate, correlation and causation ids, actor) around the data of its type. ' +
        'Generated from shared/events/registry.ts and stack.yml.',
    },
    defaultContentType: 'application/json',
    servers: {
      pi: {
        host: 'erpbi-nats:4222',
        protocol: 'nats',
        description: 'On the Pi: the nats service on the compose network (npm start runs a private nats-server on a port it picks).',
      },
    },
    channels,
    operations,
    components: {
      parameters: { prefix },
      messages: Object.fromEntries(eventTypes.map((t) => [t, messageFor(t)])),
    },
  };
}
