import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from '../../shared/db/pool.js';
import { readStack } from '../../shared/stack.js';
import type { Box } from '../support/box.js';
import { waitFor } from '../support/wait.js';
import { drive, request, tokensFor } from './driver.js';
import { alive, closeStockedBox, openStockedBox, readPids } from './fault-box.js';
import { long, report } from './support.js';

// Issue 21: a function must outlive a restart of what it depends on. In containers nothing like
// `npm start`'s supervisor brings a function back, so one that ends by itself when Postgres, NATS or
// object storage goes away (render-document did, code 1, once Postgres was SIGKILLed) stays down.
// A box of its own (its private embedded Postgres, nats-server and object storage, every function a
// spawned bundle of build/functions) under an order flow that keeps render-document busy; each of the
// three is killed and restarted, again and again; no function may exit, and each answers afterwards.
const root = join(import.meta.dirname, '..', '..');
let box: Box;
let db: Pool;
let nc: NatsConnection;
const skus = ['DEP-A', 'DEP-B', 'DEP-C'];
let customers: string[] = [];
let suppliers: string[] = [];

beforeAll(async () => {
  ({ box, db, nc, customers, suppliers } = await openStockedBox({
    skus: skus.map((sku, i) => ({ sku, name: `Dependency ${sku}`, unitPrice: 700 + 100 * i })),
    customers: Array.from({ length: 3 }, (_, i) => ({ id: `dep-${i}`, name: `Dependency customer ${i}`, paymentTermsDays: 0 })),
  }));
});

afterAll(() => closeStockedBox({ box, db, nc }));

describe('Postgres, nats-server and object storage restarted under running functions', () => {
  it('no function exits, and every one answers again afterwards', async () => {
    const stack = readStack(join(root, 'stack.yml'), box.prefix);
    const functions = stack.map((f) => f.name);
    const pidsBefore = readPids(box);
    const targets: [string, NodeJS.Signals][] = [
      ['postgres', 'SIGKILL'],
      ['nats-server', 'SIGKILL'],
      ['object-storage', 'SIGKILL'],
      ['postgres', 'SIGINT'],
      ['nats-server', 'SIGTERM'],
    ];
    const plan = Array.from({ length: long ? 6 : 2 }, () => targets).flat();
    // Reminders every few seconds: render-document holds a transaction while it renders and stores each PDF.
    const run = drive({ box, skus, customers, suppliers, ratePerSecond: 8, workers: 3, remindersEveryMs: 4_000 });
    const faults: string[] = [];
    for (const [target, signal] of plan) {
      // Let work be in flight (orders, reactions, renders) when the fault comes.
      await new Promise((r) => setTimeout(r, 1500 + Math.random() * 1500));
      const pid = readPids(box)[target]!;
      const killedAt = Date.now();
      process.kill(pid, signal);
      await waitFor(
        async () => {
          const now = readPids(box)[target];
          if (!now || now === pid || !alive(now)) return false;
          return (await fetch(`${box.url}/healthz`).catch(() => undefined))?.status === 200;
        },
        { timeoutMs: 90_000, intervalMs: 100, what: () => `${target} back after ${signal}\n${box.output().slice(-3000)}` },
      );
      faults.push(`${signal} ${target} -> back in ${Date.now() - killedAt} ms`);
    }
    await new Promise((r) => setTimeout(r, 3000));
    const flow = await run.stop();

    // Not one function restarted: each still runs as the process it started as.
    const pidsAfter = readPids(box);
    const restarted = functions.filter((f) => pidsAfter[f] !== pidsBefore[f] || !alive(pidsAfter[f]!));
    const exitLines = (box.output().match(/^! .*$/gm) ?? []).filter((l) => functions.includes(/^! (\S+)/.exec(l)![1]!));
    const logs = restarted.length ? box.logTail(restarted, 40) : '';
    expect({ restarted, exitLines }, logs).toEqual({ restarted: [], exitLines: [] });

    // Each answers again: its health through the gateway, and one order all the way to its PDF (Postgres,
    // NATS and object storage all in use again).
    const token = tokensFor(box);
    for (const name of stack.filter((f) => f.deployedAs === 'function').map((f) => f.name)) {
      await waitFor(async () => (await fetch(`${box.url}/function/${name}/_/health`)).status === 200, { timeoutMs: 30_000, what: `${name} healthy` });
    }
    const probe = await waitFor(
      async () => {
        const a = await request(
          box,
          await token('clerk'),
          '/function/create-order',
          { customerId: customers[0], lines: [{ sku: skus[0], quantity: 1 }] },
          { 'idempotency-key': 'dependencies-probe' },
        );
        return a.status === 201 ? (a.body.id as string) : undefined;
      },
      { timeoutMs: 30_000, what: 'a new order accepted' },
    );
    const invoiceId = await waitFor(
      async () => {
        const o = await request(box, await token('clerk'), `/function/query/orders/${probe}`);
        return o.body?.status === 'invoiced' ? (o.body.invoiceId as string) : undefined;
      },
      { timeoutMs: 30_000, what: 'the probe order invoiced' },
    );
    await waitFor(
      async () =>
        (await fetch(`${box.url}/function/query/invoices/${invoiceId}/pdf`, { headers: { authorization: `Bearer ${await token('clerk')}` } })).status === 200,
      {
        timeoutMs: 60_000,
        what: "the probe invoice's PDF stored",
      },
    );
    expect(flow.errors, 'unexpected answers').toEqual([]);
    report('dependencies', { faults, ordersAccepted: flow.accepted.size, reminders: flow.reminders, transientAnswersRetried: flow.transient });
  });
});
