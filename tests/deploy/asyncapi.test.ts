import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { default as addFormats } from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JS build script
import { buildApiDocs } from '../../esbuild.config.mjs';
import { asyncApiDocument } from '../../shared/events/asyncapi.js';
import { eventRegistry, eventTypes, subjectFor } from '../../shared/events/registry.js';
import type { FunctionDefinition } from '../../shared/http/definition.js';
import { readStack, type StackFunction } from '../../shared/stack.js';
import { buildGateway } from '../../gateway/gateway.js';
import { sampleData, sampleEvent } from '../support/events.js';
import { loadDefinitions } from '../support/harness.js';
import { root } from './support.js';

// The event contract's three places that must agree: the registry (what is emitted and parsed),
// stack.yml (what the connector subscribes each function to) and the handlers (what each reaction
// does), and the AsyncAPI document generated from the first two.

let defs: FunctionDefinition[];
let stack: StackFunction[];
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
beforeAll(async () => {
  defs = await loadDefinitions();
  stack = readStack(join(root, 'stack.yml'));
});

/** The event types each function's reaction handles. */
const handled = (def: FunctionDefinition) => def.routes.flatMap((r) => (r.kind === 'reaction' ? Object.keys(r.on) : [])).sort();

describe("stack.yml's subscriptions and the handlers", () => {
  it('subscribe each reaction to exactly the events it handles: a subscribed, unhandled event fails here (and is a dead letter at run time)', () => {
    for (const def of defs) {
      const fn = stack.find((f) => f.name === def.name);
      expect(fn, `${def.name} in stack.yml`).toBeDefined();
      if (fn!.batch) continue; // the projector is fed every event in batches, not through `on`
      const subscribed = fn!.topics.map((t) => t.split('.').pop()!).sort();
      expect(subscribed, `${def.name}: stack.yml topics vs its handlers' on keys`).toEqual(handled(def));
      // Each topic is that type's subject: the domain in the middle is the registry's.
      for (const t of fn!.topics) expect(t, def.name).toBe(subjectFor('erp', t.split('.').pop() as never));
    }
  });

  it('every event type has someone who reads it (a reaction or the projector)', () => {
    const fedEverything = stack.some((f) => f.topics.includes('erp.>'));
    expect(fedEverything).toBe(true);
    // And the types reactions need are the ones billing, inventory and orders cannot work without. The order's
    // status moves in the transaction that raises stock_reservation_failed and payment_received: only the
    // projector reads those two.
    const reactedTo = new Set(defs.flatMap(handled));
    for (const t of ['order_created', 'order_cancelled', 'order_fulfilled', 'stock_reserved', 'invoice_created', 'credit_note_issued']) {
      expect(reactedTo.has(t), t).toBe(true);
    }
  });
});

describe('the event registry', () => {
  it('has a valid example for every type, whose aggregate id it reads from the data', () => {
    for (const type of eventTypes) {
      const e = sampleEvent(type);
      expect(e.version).toBe(eventRegistry[type].version);
      expect(e.aggregateType).toBe(eventRegistry[type].aggregate.type);
      expect(e.aggregateId.length).toBeGreaterThan(0);
    }
  });

  it('refuses, at the producer, data that breaks the contract (a plain Error: the producer is wrong, a 500)', () => {
    const bad = { ...sampleData.payment_received, amount: 0 };
    expect(() => sampleEvent('payment_received', bad)).toThrow(/payment_received does not match its contract/);
  });
});

describe('/asyncapi.json', () => {
  const doc = () => asyncApiDocument(stack, { version });

  it('is a valid AsyncAPI 3.0 document (the official JSON Schema of @asyncapi/specs)', () => {
    const schema = createRequire(import.meta.url)('@asyncapi/specs/schemas/3.0.0-without-$id.json');
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const ok = validate(doc());
    expect(validate.errors?.slice(0, 5) ?? [], 'AsyncAPI 3.0.0 schema').toEqual([]);
    expect(ok).toBe(true);
    expect(validate({ ...doc(), channels: { broken: { address: 5 } } }), 'the schema refuses a broken channel').toBe(false);
  });

  it('documents every registry type as a channel on its subject, and every subscription in stack.yml as a receive', () => {
    const d = doc();
    for (const type of eventTypes) {
      expect(d.channels[type], type).toMatchObject({ address: `{prefix}.${eventRegistry[type].domain}.${type}` });
      expect(d.operations[`publish_${type}`], type).toMatchObject({ action: 'send' });
    }
    const receives = Object.values(d.operations as Record<string, { action: string; 'x-erpbi'?: { function: string } }>).filter((o) => o.action === 'receive');
    expect(receives.length).toBe(stack.reduce((n, f) => n + f.topics.length, 0));
    expect(new Set(receives.map((o) => o['x-erpbi']!.function))).toEqual(new Set(stack.filter((f) => f.topics.length > 0).map((f) => f.name)));
  });

  it("describes each message's payload as the registry parses it: the examples pass, a broken one does not", () => {
    const d = doc();
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    for (const type of eventTypes) {
      const validate = ajv.compile(d.components.messages[type]!.payload);
      const example = JSON.parse(JSON.stringify(sampleEvent(type)));
      expect(validate(example), `${type}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(validate({ ...example, data: {} }), `${type} without data`).toBe(false);
      expect(validate({ ...example, type: type === 'order_created' ? 'order_fulfilled' : 'order_created' }), `${type} under another type`).toBe(false);
    }
  });

  it('docs/asyncapi.json is the generated document (npm run docs:asyncapi writes it)', () => {
    expect(JSON.parse(readFileSync(join(root, 'docs', 'asyncapi.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(doc())));
  });

  describe('as built and served', () => {
    const out = mkdtempSync(join(tmpdir(), 'erpbi-asyncapi-'));
    afterAll(() => rmSync(out, { recursive: true, force: true }));

    it('the build writes it beside openapi.json and the npm start gateway serves it', async () => {
      await (buildApiDocs as (o: { outDir: string; quiet: boolean }) => Promise<void>)({ outDir: out, quiet: true });
      expect(JSON.parse(readFileSync(join(out, 'asyncapi.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(doc())));
      const gateway = await buildGateway({ upstream: () => undefined, waiting: () => [], webDir: out });
      try {
        const res = await gateway.inject({ url: '/asyncapi.json' });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toContain('application/json');
        expect(res.json().asyncapi).toBe('3.0.0');
      } finally {
        await gateway.close();
      }
    }, 120_000);
  });
});
