import { join } from 'node:path';
import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStack } from '../shared/stack.js';
import { createTestBus, type TestBus } from '../tests/support/nats.js';
import { batchConsumerName } from './batch-feed.js';
import { consumerName } from './connector.js';
import { removeStaleConsumers, staleConsumers, wantedConsumers } from './stale-consumers.js';

const log = pino({ level: 'silent' });

describe('staleConsumers', () => {
  it('names only `<function>--<what>` durables stack.yml does not want', () => {
    const wanted = new Set(['reserve-stock--orders_order_placed', 'project-to-olap--batch']);
    const existing = [
      'reserve-stock--orders_order_placed',
      'project-to-olap--batch',
      'sync-order-status--billing_invoice_created',
      'olap-replay',
      'someones_own',
    ];
    expect(staleConsumers(existing, wanted)).toEqual(['sync-order-status--billing_invoice_created']);
  });

  it('wants one durable per topic of each function and one for each batch-fed function, from stack.yml', () => {
    const fns = readStack(join(import.meta.dirname, '..', 'stack.yml')).filter((f) => f.topics.length > 0);
    const wanted = wantedConsumers(fns);
    for (const f of fns) {
      if (f.batch) expect(wanted).toContain(batchConsumerName(f.name));
      else for (const t of f.topics) expect(wanted).toContain(consumerName(f.name, t));
    }
    expect(wanted.size).toBe(fns.reduce((n, f) => n + (f.batch ? 1 : f.topics.length), 0));
  });
});

describe('removeStaleConsumers on a real JetStream stream', () => {
  let t: TestBus;
  beforeAll(async () => {
    t = await createTestBus('stale');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("deletes a removed function's consumer and keeps the wanted ones and others' own", async () => {
    const fns = readStack(join(import.meta.dirname, '..', 'stack.yml'), t.prefix).filter((f) => f.topics.length > 0);
    const kept = [...wantedConsumers(fns)].slice(0, 2);
    const removed = 'sync-order-status--billing_invoice_created';
    const jsm = await jetstreamManager(t.bus.nc);
    for (const name of [...kept, removed, 'olap-replay']) {
      await jsm.consumers.add(t.stream, { durable_name: name, ack_policy: AckPolicy.Explicit, filter_subject: `${t.prefix}.>` });
    }
    expect(await removeStaleConsumers(t.bus.nc, t.stream, fns, log)).toEqual([removed]);
    const left: string[] = [];
    for await (const c of jsm.consumers.list(t.stream)) left.push(c.config.durable_name!);
    expect(left.sort()).toEqual([...kept, 'olap-replay'].sort());
  });
});
