import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth/roles.js';
import type { Pool } from '../../shared/db/pool.js';
import { createHarness, type Harness } from '../support/harness.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { createTestBus, natsUrl, type TestBus } from '../support/nats.js';
import { testAudience, testIssuer } from '../support/tokens.js';
import { waitFor } from '../support/wait.js';
import { builtHandlers, httpEvent, idsAside, lambdaContext, serveJwks, type BuiltHandler, type LambdaResult } from './lambda-support.js';

// Issue 25, part 3: the BUILT Lambda handlers (build/lambda/<name>.js) invoked in-process with API Gateway
// v2 events and with the event-reaction envelope (shared/http/lambda-reaction.ts), on a real Postgres
// database and JetStream stream of their own; the same requests over HTTP to the same functions (the
// harness's apps, on a database and stream of theirs) must get the same answers and leave the same effects.

const names = ['upsert-product', 'receive-stock', 'upsert-customer', 'create-order', 'query', 'reserve-stock', 'cancel-order'] as const;
type Name = (typeof names)[number];
interface Answer {
  status: number;
  body: unknown;
}
/** One way in: the same requests, over HTTP or as Lambda invokes. */
interface Side {
  pool: Pool;
  stream: string;
  prefix: string;
  call: (fn: Name, method: 'GET' | 'POST', path: string, opts: { role?: Role; body?: unknown }) => Promise<Answer>;
  react: (fn: Name, event: unknown) => Promise<Answer>;
}

let h: Harness;
let db: TestDatabase;
let bus: TestBus;
let jwks: Awaited<ReturnType<typeof serveJwks>>;
let handlers: Record<string, BuiltHandler>;
let serviceToken: string;
const envBefore = { ...process.env };
const lambdaApp = 'erpbi-lambda-test';

beforeAll(async () => {
  [h, db, bus] = await Promise.all([createHarness('lamh'), createTestDatabase('laml'), createTestBus('laml')]);
  jwks = await serveJwks(h.keys.jwk);
  serviceToken = await h.keys.token('service', 'connector');
  // What a Lambda's environment would hold; read by each handler at its first invoke (its cold start).
  Object.assign(process.env, {
    LOG_LEVEL: 'silent',
    // application_name: the handlers' Postgres connections can be counted apart from the test's own.
    DATABASE_URL: `${db.url}?application_name=${lambdaApp}`,
    NATS_URL: natsUrl,
    EVENTS_PREFIX: bus.prefix,
    EVENTS_STREAM: bus.stream,
    AUTH_ISSUER: testIssuer,
    AUTH_AUDIENCE: testAudience,
    AUTH_JWKS_URL: jwks.url,
    PG_POOL_MAX: '2',
    CHECK_ANSWERS: 'refuse',
  });
  handlers = await builtHandlers(names);
}, 180_000);

afterAll(async () => {
  for (const handler of Object.values(handlers ?? {})) await handler.close();
  process.env = envBefore;
  await jwks?.close();
  await bus?.cleanup();
  await db?.drop();
  await h?.close();
});

const overHttp = (): Side => ({
  pool: h.db.pool,
  stream: h.bus.stream,
  prefix: h.bus.prefix,
  call: async (fn, _method, path, opts) => {
    const r = await h.call(fn, path, { ...(opts.role ? { role: opts.role } : { token: null }), ...(opts.body === undefined ? {} : { body: opts.body }) });
    return { status: r.status, body: r.body };
  },
  react: async (fn, event) => {
    const r = await h.deliver(fn, event);
    return { status: r.status, body: r.body };
  },
});

async function invokeHttp(fn: Name, method: 'GET' | 'POST', path: string, opts: { token?: string; body?: unknown }): Promise<LambdaResult> {
  return (await handlers[fn]!(httpEvent(method, path, opts), lambdaContext(fn))) as LambdaResult;
}

const asLambda = (): Side => ({
  pool: db.pool,
  stream: bus.stream,
  prefix: bus.prefix,
  call: async (fn, method, path, opts) => {
    // As one HTTP API routes /function/<name>[/...] to each function's Lambda.
    const res = await invokeHttp(fn, method, `/function/${fn}${path === '/' ? '' : path}`, {
      ...(opts.role ? { token: await h.keys.token(opts.role) } : {}),
      ...(opts.body === undefined ? {} : { body: opts.body }),
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  },
  react: async (fn, event) => ({
    status: 200,
    body: await handlers[fn]!({ erpbi: 'reaction', token: serviceToken, event, deliveryId: `${fn}-test` }, lambdaContext(fn)),
  }),
});

/** The same requests, in order, with what each answered. */
async function orderFlow(side: Side): Promise<Record<string, Answer>> {
  const a: Record<string, Answer> = {};
  a.product = await side.call('upsert-product', 'POST', '/', {
    role: 'admin',
    body: { sku: 'LAM-MUG', name: 'Mug', unitPrice: 1250, currency: 'EUR', taxRateBp: 2000 },
  });
  a.stock = await side.call('receive-stock', 'POST', '/', { role: 'clerk', body: { sku: 'LAM-MUG', quantity: 10 } });
  a.customer = await side.call('upsert-customer', 'POST', '/', { role: 'clerk', body: { id: 'lam-acme', name: 'Acme Ltd', paymentTermsDays: 30 } });
  const order = { customerId: 'lam-acme', lines: [{ sku: 'LAM-MUG', quantity: 3 }] };
  a.badInput = await side.call('create-order', 'POST', '/', { role: 'clerk', body: { customerId: 'lam-acme', lines: [{ sku: 'LAM-MUG', quantity: -1 }] } });
  a.noToken = await side.call('create-order', 'POST', '/', { body: order });
  a.wrongRole = await side.call('create-order', 'POST', '/', { role: 'accountant', body: order });
  a.order = await side.call('create-order', 'POST', '/', { role: 'clerk', body: order });
  a.ordersBefore = await side.call('query', 'GET', '/orders?customerId=lam-acme', { role: 'clerk' });
  a.readNoToken = await side.call('query', 'GET', '/stock', {});
  const created = (await side.pool.query<{ payload: unknown }>("select payload from platform.outbox where payload->>'type' = 'order_created'")).rows;
  expect(created).toHaveLength(1);
  a.reaction = await side.react('reserve-stock', created[0]!.payload);
  a.redelivered = await side.react('reserve-stock', created[0]!.payload);
  a.stockAfter = await side.call('query', 'GET', '/stock?q=LAM', { role: 'clerk' });
  a.commaQuery = await side.call('query', 'GET', '/products?q=LAM,MUG', { role: 'clerk' });
  a.noRoute = await side.call('query', 'GET', '/no-such-read', { role: 'clerk' });
  a.orderAfter = await side.call('query', 'GET', `/orders/${(a.order.body as { id: string }).id}`, { role: 'clerk' });
  return a;
}

/** What the flow left: rows, and the events on the stream by subject (without the side's prefix). */
async function effects(side: Side) {
  const { rows } = await side.pool.query<Record<string, number>>(`
    select (select count(*) from orders.orders)::int as orders, (select count(*) from inventory.order_reservations)::int as reservations,
           (select count(*) from inventory.stock_movements)::int as movements, (select count(*) from platform.processed_events)::int as processed,
           (select count(*) from platform.outbox)::int as outbox`);
  const jsm = await jetstreamManager(h.bus.bus.nc);
  // Published after commit; the answer may come first: wait until the stream holds every outbox row.
  const subjects = await waitFor(
    async () => {
      const info = await jsm.streams.info(side.stream, { subjects_filter: '>' });
      return info.state.messages >= rows[0]!.outbox! ? (info.state.subjects ?? {}) : undefined;
    },
    { what: `every event of ${side.prefix} on its stream` },
  );
  return { rows: rows[0], events: Object.fromEntries(Object.entries(subjects).map(([s, n]) => [s.slice(side.prefix.length + 1), n])) };
}

describe('a cold start that fails', () => {
  it('answers an HTTP event 503 while NATS is out of reach, then starts at the next invoke', async () => {
    const token = await h.keys.token('clerk');
    const cancel = { id: '01939a5e-0000-7000-8000-00000000dead' };
    process.env.NATS_URL = 'nats://127.0.0.1:1';
    try {
      const down = await invokeHttp('cancel-order', 'POST', '/', { token, body: cancel });
      expect(down.statusCode).toBe(503);
      expect(JSON.parse(down.body)).toMatchObject({ error: { code: 'not_ready' } });
      // A reaction is thrown instead: its caller retries.
      await expect(handlers['cancel-order']!({ erpbi: 'reaction', token: serviceToken, event: {} }, lambdaContext('cancel-order'))).rejects.toThrow();
    } finally {
      process.env.NATS_URL = natsUrl;
    }
    const up = await invokeHttp('cancel-order', 'POST', '/', { token, body: cancel });
    const overHttp = await h.post('cancel-order', cancel, { role: 'clerk' });
    expect(up.statusCode).toBe(overHttp.status);
    expect(JSON.parse(up.body)).toEqual(overHttp.body);
  });
});

describe('the built Lambda handlers', () => {
  it('answer API Gateway v2 events and reaction envelopes as the functions answer over HTTP, with the same effects', async () => {
    const http = await orderFlow(overHttp());
    const lambda = await orderFlow(asLambda());

    expect(lambda.product!.status).toBe(200);
    expect(lambda.order).toMatchObject({ status: 201, body: { status: 'pending', total: 4500 } });
    expect(lambda.badInput).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    expect(lambda.noToken).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    expect(lambda.wrongRole).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(lambda.readNoToken!.status).toBe(401);
    expect(lambda.reaction!.body).toEqual({ outcome: 'applied' });
    expect(lambda.redelivered!.body).toEqual({ outcome: 'duplicate' });
    expect(lambda.orderAfter).toMatchObject({ status: 200, body: { status: 'reserved' } });
    expect((lambda.stockAfter!.body as { items: unknown[] }).items).toEqual([expect.objectContaining({ sku: 'LAM-MUG', onHand: 10, reserved: 3 })]);
    // API Gateway's `q=a,b` is one string to fastify's parser too, not an array (a 400 here).
    expect(lambda.commaQuery).toMatchObject({ status: 200, body: { items: [] } });
    // Every answer the same, step by step, ids and times aside.
    for (const step of Object.keys(http)) expect(idsAside(lambda[step]), step).toEqual(idsAside(http[step]));

    const [viaHttp, viaLambda] = [await effects(overHttp()), await effects(asLambda())];
    expect(viaLambda).toEqual(viaHttp);
    // The reaction delivered twice took effect once: one reservation, one stock_reserved published.
    expect(viaLambda.rows).toMatchObject({ orders: 1, reservations: 1, processed: 1 });
    expect(viaLambda.events['inventory.stock_reserved']).toBe(1);
    expect(viaLambda.events['orders.order_created']).toBe(1);
  });
});

describe('a reaction the function does not apply', () => {
  const reserve = (payload: unknown) => handlers['reserve-stock']!(payload, lambdaContext('reserve-stock'));
  const processed = async (pool: Pool) => (await pool.query<{ n: number }>('select count(*)::int as n from platform.processed_events')).rows[0]!.n;
  const product = { sku: 'LAM-MUG', name: 'Mug', unitPrice: 1250, currency: 'EUR', taxRateBp: 2000, reorderLevel: 0 };
  const event = (type: string, data: unknown) => ({
    id: '01939a5e-0000-7000-8000-000000000001',
    type,
    version: 1,
    occurredAt: '2026-12-07T10:00:00.000Z',
    aggregateType: 'product',
    aggregateId: 'LAM-MUG',
    correlationId: 'lambda-test',
    causationId: null,
    actor: 'test',
    data,
  });

  it('throws, named as the connector would treat the same answer over HTTP, and changes nothing', async () => {
    const before = await processed(db.pool);
    // Subscribed elsewhere, not here: the app's 422 unhandled_event, which the connector dead-letters.
    const unhandled = event('product_upserted', product);
    expect((await h.deliver('reserve-stock', unhandled)).status).toBe(422);
    await expect(reserve({ erpbi: 'reaction', token: serviceToken, event: unhandled })).rejects.toMatchObject({
      name: 'ReactionRefused',
      retry: false,
      status: 422,
      message: expect.stringContaining('unhandled_event'),
    });
    // An event that fails its contract: 400, dead-lettered, the field named.
    const bad = { ...event('order_created', {}), aggregateType: 'order' };
    expect((await h.deliver('reserve-stock', bad)).status).toBe(400);
    await expect(reserve({ erpbi: 'reaction', token: serviceToken, event: bad })).rejects.toMatchObject({
      name: 'ReactionRefused',
      status: 400,
      message: expect.stringMatching(/validation_failed.*orderId/),
    });
    // A token that does not pass: 401, retried (the connector fetches a new one).
    expect((await h.call('reserve-stock', '/', { token: 'not.a.token', body: unhandled })).status).toBe(401);
    await expect(reserve({ erpbi: 'reaction', token: 'not.a.token', event: unhandled })).rejects.toMatchObject({
      name: 'ReactionFailed',
      retry: true,
      status: 401,
    });
    // A user's token is no service token: 403, retried as the connector would.
    await expect(reserve({ erpbi: 'reaction', token: await h.keys.token('admin'), event: unhandled })).rejects.toMatchObject({
      name: 'ReactionFailed',
      status: 403,
    });
    expect(await processed(db.pool)).toBe(before);
  });

  it('refuses a malformed envelope, or a payload that is neither, saying what is wrong', async () => {
    const ok = { erpbi: 'reaction', token: serviceToken, event: event('product_upserted', product) };
    const cases: [unknown, RegExp][] = [
      [{ ...ok, token: undefined }, /token: Invalid input/],
      [{ ...ok, token: `Bearer ${serviceToken}` }, /token: a JWT/],
      [{ ...ok, event: 'a string' }, /event: Invalid input: expected record/],
      [{ ...ok, retries: 3 }, /Unrecognized key: "retries"/],
      [{ ...ok, erpbi: 'batch' }, /erpbi: Invalid input/],
      [{ ...ok, deliveryId: 'has spaces' }, /deliveryId: letters/],
      [{ hello: 'world' }, /neither an API Gateway v2 HTTP event nor a reaction envelope.*version: .*rawPath: .*requestContext: /],
      [{ ...httpEvent('GET', '/orders'), version: '1.0' }, /version: Invalid input: expected "2.0"$/],
    ];
    for (const [payload, names] of cases)
      await expect(reserve(payload), JSON.stringify(payload).slice(0, 80)).rejects.toMatchObject({
        name: 'BadInvocation',
        message: expect.stringMatching(names),
      });
  });
});

describe('one container, many invokes', () => {
  it('makes its pool and connections at the first invoke only, and answers paths with or without /function/<name>', async () => {
    const token = await h.keys.token('clerk');
    const answers: LambdaResult[] = [];
    for (let i = 0; i < 20; i++) answers.push(await invokeHttp('query', 'GET', i % 2 ? '/orders' : '/function/query/orders', { token }));
    expect(new Set(answers.map((a) => `${a.statusCode} ${a.body}`)).size).toBe(1);
    expect(answers[0]!.statusCode).toBe(200);
    // Sequential invokes on one container reuse one pool: no more connections than the started handlers' pools hold.
    const { rows } = await db.pool.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = $2', [
      db.name,
      lambdaApp,
    ]);
    expect(rows[0]!.n).toBeGreaterThan(0);
    expect(rows[0]!.n).toBeLessThanOrEqual(names.length * 2);
  });
});
