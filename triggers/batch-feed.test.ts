import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { pino } from 'pino';
import { createTestBus, type TestBus } from '../tests/support/nats.js';
import { waitFor } from '../tests/support/wait.js';
import { batchConsumerName, startBatchFeed } from './batch-feed.js';

let t: TestBus;
beforeAll(async () => {
  t = await createTestBus('feed');
});
afterAll(async () => t?.cleanup());

describe('the batch feed', () => {
  it('hands over the stream in order, once, through one worker, retrying a failed batch in place', async () => {
    const publish = (n: number) => t.bus.js.publish(`${t.prefix}.orders.thing`, JSON.stringify({ n }));
    for (let i = 0; i < 20; i++) await publish(i);
    const applied: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let calls = 0;
    const stop = await startBatchFeed({
      bus: t.bus,
      stream: t.stream,
      subject: `${t.prefix}.>`,
      fn: 'projector',
      batchSize: 8,
      log: pino({ level: 'silent' }),
      post: async (body) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        calls += 1;
        await new Promise((r) => setImmediate(r));
        inFlight -= 1;
        // The first two attempts fail: the same batch must come again, nothing after it first.
        if (calls <= 2) return { status: calls === 1 ? 503 : undefined, detail: 'down' };
        const { events } = JSON.parse(body) as { events: { seq: number }[] };
        expect(events.length).toBeLessThanOrEqual(8);
        applied.push(...events.map((e) => e.seq));
        return { status: 200, detail: '{}' };
      },
    });
    for (let i = 20; i < 45; i++) await publish(i);
    await waitFor(async () => applied.length >= 45, { what: '45 events applied' });
    await stop();
    expect(applied).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    expect(maxInFlight).toBe(1);
    const jsm = await jetstreamManager(t.bus.nc);
    const info = await jsm.consumers.info(t.stream, batchConsumerName('projector'));
    expect(info.num_ack_pending).toBe(0);
    expect(info.config.max_ack_pending).toBe(8);
  });
});

describe('the batch feed, on where the stream ends', () => {
  let u: TestBus;
  beforeAll(async () => {
    u = await createTestBus('tail');
  });
  afterAll(async () => u?.cleanup());

  // The projector can tell "up to date" from "behind" only if it knows the stream's last sequence, not
  // just its own watermark: each batch carries it (the batch's last message plus those still pending).
  it('tells with every batch the last sequence of the stream, beyond the batch', async () => {
    for (let i = 0; i < 20; i++) await u.bus.js.publish(`${u.prefix}.orders.thing`, JSON.stringify({ i }));
    const bodies: { events: { seq: number }[]; streamSeq: number }[] = [];
    const stop = await startBatchFeed({
      bus: u.bus,
      stream: u.stream,
      subject: `${u.prefix}.>`,
      fn: 'projector',
      batchSize: 8,
      log: pino({ level: 'silent' }),
      post: async (body) => {
        bodies.push(JSON.parse(body) as (typeof bodies)[number]);
        return { status: 200, detail: '{}' };
      },
    });
    await waitFor(async () => bodies.flatMap((b) => b.events).length >= 20, { what: '20 events posted' });
    await u.bus.js.publish(`${u.prefix}.orders.thing`, JSON.stringify({ i: 20 }));
    await waitFor(async () => bodies.flatMap((b) => b.events).length >= 21, { what: 'the 21st event posted' });
    await stop();
    const [first, ...rest] = bodies;
    expect(first!.events.at(-1)!.seq).toBeLessThan(20); // a batch of 8: the stream went on beyond it
    expect(first!.streamSeq).toBe(20);
    expect(bodies.at(-1)).toEqual({ events: [expect.objectContaining({ seq: 21 })], streamSeq: 21 });
    for (const b of rest.slice(0, -1)) expect(b.streamSeq).toBe(20);
  });
});

