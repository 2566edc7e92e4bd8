import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from '../../shared/db/pool.js';
import type { Box } from '../support/box.js';
import { drive, request, tokensFor } from './driver.js';
import { openStockedBox, readPids, rssKb } from './fault-box.js';
import { checkInvariants, settle } from './invariants.js';
import { checkOlap, olapPresent } from './olap-invariants.js';
import { long, report } from './support.js';
import { curve, memoryTrend, type Sample } from './memory-trend.js';

// Issue 7, part 5: load held at a steady rate (5 minutes in the long mode, 45 s in the short one) on a
// box of its own, RSS of every process of pids.json sampled each second: no growth trend, no error.
// FAULTS_RATE sets the rate (operations per second; BENCHMARKS.md's sustained rate for the long run).
const rate = Number(process.env.FAULTS_RATE ?? (long ? 30 : 20));
// 30 s in both modes: after 10 s the gateway (it proxies every request) was still growing its V8 heap
// to its working size, +8 to +31 MB over a 45 s hold, and failed the check once in CI; over 180-240 s
// holds it is flat (151.8 -> 145.8 MB, 166.6 -> 155.1 MB): warm-up, not a leak.
const warmupMs = 30_000;
// The long hold is 600 s: at 30 operations/s nats-server's JetStream caches and Go heap fill for about
// 5 minutes (+9.4 MB/min, 12 -> ~65 MB) and then stay (+1.1 MB/min over 300-600 s, -0.3 over the last
// 200 s; GC swings it between 54 and 79 MB). Judged on the second half (memory-trend.ts), a 300 s hold
// still caught the filling.
const holdMs = Number(process.env.FAULTS_HOLD_SECONDS ?? (long ? 600 : 45)) * 1000;
let box: Box;
let db: Pool;
let nc: NatsConnection;
const skus = ['LOAD-A', 'LOAD-B', 'LOAD-C', 'LOAD-D', 'LOAD-E', 'LOAD-F', 'LOAD-G', 'LOAD-H'];
let customers: string[] = [];
let suppliers: string[] = [];

beforeAll(async () => {
  ({ box, db, nc, customers, suppliers } = await openStockedBox({
    skus: skus.map((sku) => ({ sku, name: `Load ${sku}`, unitPrice: 990 })),
    customers: Array.from({ length: 8 }, (_, i) => ({ id: `load-${i}`, name: `Load ${i}`, paymentTermsDays: 14 })),
  }));
});

afterAll(async () => {
  await nc?.close().catch(() => {});
  await db?.end().catch(() => {});
  if (box) {
    await box.stop();
    box.remove();
  }
});

describe(`load held at ${rate} operations/s`, () => {
  it('memory of every process stays flat and no request fails', async () => {
    const pids = readPids(box);
    const run = drive({ box, skus, customers, suppliers, ratePerSecond: rate, workers: 6, opDeadlineMs: 10_000 });
    const warmEnd = Date.now() + warmupMs;
    // Restock as the flow drains it, so orders keep reserving rather than being rejected.
    const restock = setInterval(async () => {
      const token = await tokensFor(box)('clerk');
      for (const sku of skus) {
        const a = await request(box, token, '/function/receive-stock', { sku, quantity: 200 });
        if (a.status === 200) run.flow.receipts.set(sku, (run.flow.receipts.get(sku) ?? 0) + 200);
        else run.flow.errors.push(`restock ${a.status}`);
      }
    }, 10_000);
    // Sampling is a clock, not a wait for an event: one sample of every pid per second.
    const samples = new Map<string, Sample[]>();
    const holdEnd = warmEnd + holdMs;
    const sampler = setInterval(() => {
      const t = Date.now();
      if (t < warmEnd) return;
      for (const [name, pid] of Object.entries(pids)) {
        const kb = rssKb(pid);
        if (kb !== undefined) samples.set(name, [...(samples.get(name) ?? []), { t: (t - warmEnd) / 1000, kb }]);
      }
    }, 1000);
    await new Promise((r) => setTimeout(r, holdEnd - Date.now()));
    clearInterval(sampler);
    clearInterval(restock);
    const opsBefore = run.flow.ops;
    const flow = await run.stop();

    // No error at all: no 5xx, no connection failure, nothing unexpected; no process restarted.
    expect(flow.transient, 'transient failures under load').toEqual({});
    expect(flow.unknown).toEqual({});
    expect(flow.errors).toEqual([]);
    // A restart names the process; its log's tail goes into the failure message.
    const exits = box.output().match(/^! .* exited.*$/gm) ?? [];
    const tails = exits.map((line) => {
      const name = /^! (\S+) exited/.exec(line)![1]!;
      const log = join(box.dataDir, 'logs', `${name}.log`);
      return `${line}\n${existsSync(log) ? readFileSync(log, 'utf8').slice(-3000) : '(no log)'}`;
    });
    expect(tails, 'processes that exited under load').toEqual([]);
    expect(readPids(box)).toEqual(pids);

    // Growth that stops is warm-up (caches, heaps); growth that goes on to the end is a leak
    // (tests/faults/memory-trend.ts): judged on the growth and on the second half of the hold.
    const memory: Record<string, ReturnType<typeof memoryTrend>> = {};
    const grew: string[] = [];
    for (const [name, s] of samples) {
      memory[name] = memoryTrend(s);
      if (memory[name].leaking)
        grew.push(`${name}: ${memory[name].firstMb} -> ${memory[name].lastMb} MB, still ${memory[name].lateSlopeKbPerMin} kB/min in the second half`);
    }
    // Reported before it is judged: the curve is what tells a leak from a cache.
    const judged = new Set(['nats-server', ...grew.map((g) => g.split(':')[0]!)]);
    report('load-memory', { rate, holdSeconds: holdMs / 1000, memory, curvesMb: Object.fromEntries([...judged].map((n) => [n, curve(samples.get(n) ?? [])])) });
    expect(samples.size).toBe(Object.keys(pids).length);
    expect(grew, 'processes whose memory grew').toEqual([]);

    const settled = await settle(box, db, nc, 180_000);
    const checked = await checkInvariants(box, db, nc, flow);
    const olap = olapPresent ? await checkOlap(box, db) : {};
    report('load', {
      rate,
      holdSeconds: holdMs / 1000,
      ops: flow.ops,
      opsPerSecond: Math.round((opsBefore / ((holdMs + warmupMs) / 1000)) * 10) / 10,
      ordersAccepted: flow.accepted.size,
      paymentsAccepted: flow.payments.size,
      cancels: flow.cancels,
      fulfils: flow.fulfils,
      purchaseOrders: flow.purchaseOrders.size,
      goodsReceipts: flow.poReceipts.size,
      unitsReceivedOnOrders: [...flow.poReceipts.values()].reduce((n, r) => n + r.lines.reduce((m, l) => m + l.quantity, 0), 0),
      adjustments: flow.adjustments.size,
      settleMs: settled.ms,
      memory,
      checked: { ...checked, ...olap },
    });
  });
});
