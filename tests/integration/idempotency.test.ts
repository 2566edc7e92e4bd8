import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../shared/http/app.js';
import { createHarness, loadDefinitions, type Harness } from '../support/harness.js';
import { counts, seed } from '../support/fixtures.js';

// The Idempotency-Key layer (shared/idempotency/) through the functions, on real Postgres: canonical
// bodies, the 24 h expiry (an expired key is a new request), and races on an expired key.
let h: Harness;
let customerId: string;
let sku: string;
beforeAll(async () => {
  h = await createHarness('idem');
  ({ customerId, sku } = await seed(h, { stock: 1000 }));
});
afterAll(async () => h?.close());

const orderBody = (quantity = 1) => ({ customerId, lines: [{ sku, quantity }] });
const order = (key: string, body: unknown = orderBody()) => h.post('create-order', body, { role: 'clerk', headers: { 'idempotency-key': key } });
/** Moves a key's record back in time, as if `interval` had passed since it was stored. */
const age = (key: string, interval: string) =>
  h.db.pool.query('update platform.idempotency set created_at = created_at - $2::interval, expires_at = expires_at - $2::interval where key = $1', [
    key,
    interval,
  ]);
const record = async (key: string) =>
  (
    await h.db.pool.query(
      `select count(*) over ()::int as n, response->>'id' as id, extract(epoch from expires_at - created_at)::int as ttl, expires_at > now() as live from platform.idempotency where key = $1`,
      [key],
    )
  ).rows;

describe('Idempotency-Key', () => {
  it('a retry with the same body in another key order and spacing is a replay, not a new order', async () => {
    const first = await order('canon-1');
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const rawBody = `{ "lines": [ { "quantity": 1, "sku": ${JSON.stringify(sku)} } ],\n  "customerId": ${JSON.stringify(customerId)} }`;
    const retry = await h.call('create-order', '/', { role: 'clerk', rawBody, headers: { 'idempotency-key': 'canon-1' } });
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect((await order('canon-1', orderBody(2))).body.error.code).toBe('idempotency_key_reused');
  });

  it('keeps the answer for 24 h: a retry a minute before expiry is replayed', async () => {
    const first = await order('window-1');
    expect(await record('window-1')).toEqual([{ n: 1, id: first.body.id, ttl: 24 * 3600, live: true }]);
    await age('window-1', '23 hours 59 minutes');
    const retry = await order('window-1');
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
  });

  it('an expired key is a new request: a new order, and the key answers with it from then on', async () => {
    const first = await order('expired-1');
    await age('expired-1', '24 hours 1 minute');
    const before = await counts(h);
    const again = await order('expired-1');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.body.id).not.toBe(first.body.id);
    expect((await counts(h)).orders).toBe(before.orders + 1);
    // The record was taken over, not duplicated: one row, a fresh 24 h, the new answer.
    expect(await record('expired-1')).toEqual([{ n: 1, id: again.body.id, ttl: 24 * 3600, live: true }]);
    const retry = await order('expired-1');
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.id).toBe(again.body.id);
  });

  it('an expired key with another body is a new request too, not idempotency_key_reused', async () => {
    await order('expired-2', orderBody(1));
    await age('expired-2', '2 days');
    const other = await order('expired-2', orderBody(3));
    expect(other.status).toBe(201);
    expect(other.body.total).toBe((await order('expired-2', orderBody(3))).body.total);
    expect((await order('expired-2', orderBody(1))).body.error.code).toBe('idempotency_key_reused');
  });

  it('concurrent retries of an expired key make one new order, and all get its answer', async () => {
    const first = await order('expired-race');
    await age('expired-race', '25 hours');
    const before = await counts(h);
    const answers = await Promise.all(Array.from({ length: 6 }, () => order('expired-race')));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    expect(ids.has(first.body.id)).toBe(false);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    expect((await counts(h)).orders).toBe(before.orders + 1);
  });

  it('a failed command leaves its key free: nothing is stored for a refusal', async () => {
    const refused = await order('refused-1', { customerId: 'nobody', lines: [{ sku, quantity: 1 }] });
    expect(refused.status).toBe(422);
    expect(await record('refused-1')).toEqual([]);
    expect((await order('refused-1')).status).toBe(201);
  });

  it('the window is the function setting (IDEMPOTENCY_WINDOW_HOURS): records expire after it', async () => {
    const def = (await loadDefinitions()).find((d) => d.name === 'receive-stock')!;
    const app = buildApp(def, {
      deps: { db: h.db.pool, js: h.bus.bus.js, prefix: h.bus.prefix, log: pino({ level: 'silent' }) },
      verify: h.keys.verifier,
      idempotencyWindowMs: 48 * 3600_000,
    });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/',
        headers: { authorization: `Bearer ${await h.keys.token('clerk')}`, 'content-type': 'application/json', 'idempotency-key': 'window-48' },
        payload: JSON.stringify({ sku, quantity: 1 }),
      });
      expect(res.statusCode).toBe(200);
      expect((await record('window-48'))[0]).toMatchObject({ ttl: 48 * 3600 });
    } finally {
      await app.close();
    }
  });
});
