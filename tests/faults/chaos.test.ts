import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from '../../shared/db/pool.js';
import { readStack } from '../../shared/stack.js';
import type { Box } from '../support/box.js';
import { waitFor } from '../support/wait.js';
import { drive, request, tokensFor } from './driver.js';
import { alive, closeStockedBox, openStockedBox, readPids } from './fault-box.js';
import { checkInvariants, settle } from './invariants.js';
import { checkOlap, olapPresent } from './olap-invariants.js';
import { long, report } from './support.js';

// Issue 7, parts 1-3: a box of its own (embedded Postgres, private nats-server) under a steady order
// flow while every function, the connector, nats-server and Postgres are SIGKILLed one at a time at
// random moments. The runtime must bring each back by itself and say so; afterwards the books must
// agree with what every client was told.
const root = join(import.meta.dirname, '..', '..');
let box: Box;
let db: Pool;
let nc: NatsConnection;
const skus = ['CHAOS-A', 'CHAOS-B', 'CHAOS-C', 'CHAOS-D', 'CHAOS-E', 'CHAOS-F'];
let customers: string[] = [];
let suppliers: string[] = [];

beforeAll(async () => {
  ({ box, db, nc, customers, suppliers } = await openStockedBox({
    skus: skus.map((sku, i) => ({ sku, name: `Chaos ${sku}`, unitPrice: 500 + 250 * i })),
    customers: Array.from({ length: 5 }, (_, i) => ({ id: `chaos-${i}`, name: `Chaos customer ${i}`, paymentTermsDays: 30 * (i % 3) })),
  }));
});

afterAll(() => closeStockedBox({ box, db, nc }));

interface Fault {
  target: string;
  signal: NodeJS.Signals;
  killedPid: number;
  newPid: number;
  recoveredMs: number;
}

describe('SIGKILL every process of the box (and stop nats-server and Postgres), one at a time, under a steady order flow', () => {
  it('restarts each by itself and loses nothing, counts nothing twice', async () => {
    const functions = readStack(join(root, 'stack.yml'), box.prefix).map((f) => f.name);
    // SIGKILL for everything; and nats-server and Postgres also stopped the polite way (nats-server's
    // graceful SIGTERM, Postgres's fast shutdown SIGINT), which the runtime must treat the same.
    const targets: [string, NodeJS.Signals][] = [
      ...[...functions, 'connector', 'gateway', 'nats-server', 'postgres', 'object-storage'].map((t): [string, NodeJS.Signals] => [t, 'SIGKILL']),
      ['nats-server', 'SIGTERM'],
      ['postgres', 'SIGINT'],
    ];
    const rounds = long ? 3 : 1;
    const plan = Array.from({ length: rounds }, () => [...targets].sort(() => Math.random() - 0.5)).flat();
    const run = drive({ box, skus, customers, suppliers, ratePerSecond: long ? 12 : 10, workers: 4, remindersEveryMs: 15_000 });
    const faults: Fault[] = [];
    const started = Date.now();

    for (const [target, signal] of plan) {
      // A random moment: let the flow run 0.5-2.5 s between faults (bounded: the plan is finite).
      await new Promise((r) => setTimeout(r, 500 + Math.random() * 2000));
      const before = readPids(box);
      const pid = before[target];
      expect(pid, `pids.json has ${target}`).toBeGreaterThan(0);
      const marker = box.output().length;
      process.kill(pid!, signal);
      const killedAt = Date.now();
      // The runtime notices, says so, and starts it again (new pid, alive, box healthy).
      const newPid = await waitFor(
        async () => {
          const now = readPids(box)[target];
          if (!now || now === pid || !alive(now)) return undefined;
          const health = await fetch(`${box.url}/healthz`).catch(() => undefined);
          return health?.status === 200 ? now : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 100, what: () => `${target} back after ${signal}\n${box.output().slice(marker)}` },
      );
      if (target === 'postgres') await waitFor(async () => (await db.query('select 1')).rowCount === 1, { timeoutMs: 60_000, what: 'Postgres answering' });
      const said = box.output().slice(marker);
      expect(said, `the runtime says ${target} died and restarts it`).toMatch(
        new RegExp(`! ${target} exited \\((${signal}|code \\d+)\\); restarting in \\d+ ms`),
      );
      faults.push({ target, signal, killedPid: pid!, newPid, recoveredMs: Date.now() - killedAt });
      console.log(
        `fault ${faults.length}/${plan.length}: ${signal} ${target} (pid ${pid}) -> back as ${newPid} in ${Date.now() - killedAt} ms; ${run.flow.accepted.size} orders so far`,
      );
    }

    // The flow keeps going a little after the last fault, then stops; the box must settle.
    await new Promise((r) => setTimeout(r, 3000));
    const flow = await run.stop();
    const chaosMs = Date.now() - started;
    const settled = await settle(box, db, nc, 240_000);
    console.log(`settled in ${settled.ms} ms`);
    const checked = await checkInvariants(box, db, nc, flow);

    // Every invoice issued has its PDF, whatever was killed meanwhile (object storage and render-document included).
    const clerk = await tokensFor(box)('clerk');
    const invoiceIds = (await db.query<{ id: string }>('select id from billing.invoices')).rows.map((r) => r.id);
    const missing = await waitFor(
      async () => {
        const statuses = await Promise.all(
          invoiceIds.map(async (id) => (await fetch(`${box.url}/function/query/invoices/${id}/pdf`, { headers: { authorization: `Bearer ${clerk}` } })).status),
        );
        const left = invoiceIds.filter((_, i) => statuses[i] !== 200);
        return left.length === 0 ? left : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 2000, what: 'every invoice PDF stored' },
    );
    expect(missing).toEqual([]);

    // A client that retries with its key got a definite answer for (nearly) everything.
    expect(flow.errors, 'unexpected answers').toEqual([]);
    expect(flow.accepted.size).toBeGreaterThan(20);
    // Buying ran beside the orders: something was bought, received against its order and adjusted.
    expect(flow.purchaseOrders.size, 'purchase orders accepted').toBeGreaterThan(0);
    expect(flow.poReceipts.size, 'goods receipts accepted').toBeGreaterThan(0);
    expect(flow.adjustments.size, 'adjustments accepted').toBeGreaterThan(0);

    // Still serving after all that: a new order goes all the way to invoiced.
    const token = tokensFor(box);
    const probe = await request(box, await token('clerk'), '/function/create-order', { customerId: customers[0], lines: [{ sku: skus[0], quantity: 1 }] });
    expect(probe.status).toBe(201);
    await waitFor(async () => (await request(box, await token('clerk'), `/function/query/orders/${probe.body.id}`)).body?.status === 'invoiced', {
      timeoutMs: 15_000,
      what: 'probe order invoiced',
    });

    const restartLines = box.output().match(/^! .*$/gm) ?? [];
    const restarts = restartLines.length;
    report('chaos', {
      faults: faults.map((f) => `${f.target} ${f.signal} -> back in ${f.recoveredMs} ms`),
      faultCount: faults.length,
      restartsSaid: restarts,
      restartLines: restartLines.map((l) => l.replace(/ \(see .*\)$/, '')),
      chaosSeconds: Math.round(chaosMs / 1000),
      settleMs: settled.ms,
      ops: flow.ops,
      ordersAccepted: flow.accepted.size,
      paymentsAccepted: flow.payments.size,
      cancels: flow.cancels,
      fulfils: flow.fulfils,
      purchaseOrders: flow.purchaseOrders.size,
      goodsReceipts: flow.poReceipts.size,
      unitsReceivedOnOrders: [...flow.poReceipts.values()].reduce((n, r) => n + r.lines.reduce((m, l) => m + l.quantity, 0), 0),
      adjustments: flow.adjustments.size,
      receipts: [...flow.receipts.values()].reduce((a, b) => a + b, 0),
      refused: flow.refused,
      transientAnswersRetried: flow.transient,
      unknownOutcomes: flow.unknown,
      checked,
    });
    // Nothing died that was not killed: a function ending by itself (an unhandled error while Postgres or
    // NATS was away) is a defect even when the supervisor hides it by restarting it.
    const stoppedByUs = new Set(faults.filter((f) => f.signal !== 'SIGKILL').map((f) => f.target));
    const byThemselves = restartLines.filter((l) => !l.includes('(SIGKILL)') && !stoppedByUs.has(/^! (\S+)/.exec(l)![1]!));
    expect(byThemselves, 'processes that exited by themselves').toEqual([]);
    expect(restarts).toBe(faults.length);
    if (olapPresent) report('chaos-olap', { checked: await checkOlap(box, db) });
  });
});
