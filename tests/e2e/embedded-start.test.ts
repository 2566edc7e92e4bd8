import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startBox, type Box } from '../support/box.js';
import { waitFor } from '../support/wait.js';

// `npm start` as a new user runs it: no DATABASE_URL, no NATS_URL. The box starts its embedded
// PostgreSQL 15 and a private nats-server on ports of its own (never 5432/4222), stops cleanly on
// Ctrl-C, and a second start reuses the data.
let box: Box | undefined;
afterAll(async () => {
  await box?.stop();
  box?.remove();
});

function boxPids(box: Box): number[] {
  const pids = JSON.parse(readFileSync(join(box.dataDir, 'pids.json'), 'utf8')) as Record<string, number>;
  expect(Object.keys(pids)).toEqual(expect.arrayContaining(['runtime', 'postgres', 'nats-server', 'create-order', 'connector']));
  return Object.values(pids);
}

describe('the box with embedded Postgres and its own nats-server', () => {
  it('starts, serves the flow, stops on SIGINT leaving no process, and restarts on the same data', async () => {
    const started = Date.now();
    box = await startBox({ readyTimeoutMs: 90_000 });
    const readyMs = Date.now() - started;
    console.log(`embedded box: /healthz 200 after ${readyMs} ms`);
    expect(box.output()).toMatch(/embedded PostgreSQL 15 on 127\.0\.0\.1:(\d+)/);
    const pgPort = Number(/embedded PostgreSQL 15 on 127\.0\.0\.1:(\d+)/.exec(box.output())![1]);
    const natsPort = Number(/nats-server \(JetStream\) on 127\.0\.0\.1:(\d+)/.exec(box.output())![1]);
    expect(pgPort).not.toBe(5432);
    expect(natsPort).not.toBe(4222);

    await box.api('/function/upsert-product', { role: 'admin', body: { sku: 'TEA', name: 'Tea', unitPrice: 400, currency: 'EUR' } });
    await box.api('/function/receive-stock', { role: 'clerk', body: { sku: 'TEA', quantity: 4 } });
    await box.api('/function/upsert-customer', { role: 'clerk', body: { id: 'cafe', name: 'Cafe', paymentTermsDays: 7 } });
    const order = await box.api('/function/create-order', { role: 'clerk', body: { customerId: 'cafe', lines: [{ sku: 'TEA', quantity: 2 }] } });
    expect(order.status).toBe(201);
    const b = box;
    await waitFor(async () => (await b.api(`/function/query/orders/${order.body.id}`, { role: 'clerk' })).body.status === 'invoiced', { timeoutMs: 5000, what: 'order invoiced' });

    const pids = boxPids(box);
    expect(await box.stop('SIGINT')).toBe(0);
    expect(box.output()).toContain('stopped.');
    for (const pid of pids) expect(() => process.kill(pid, 0), `process ${pid} still alive`).toThrow();

    // Second start on the same data dir: same ports kept, the order is still there.
    const dataDir = box.dataDir;
    box = await startBox({ dataDir, readyTimeoutMs: 90_000 });
    expect(box.output()).toContain(`embedded PostgreSQL 15 on 127.0.0.1:${pgPort}`);
    expect(box.output()).not.toContain('initialising');
    const again = await box.api(`/function/query/orders/${order.body.id}`, { role: 'clerk' });
    expect(again.body.status).toBe('invoiced');
  }, 240_000);
});
