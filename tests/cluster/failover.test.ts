import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from '../../shared/db/pool.js';
import type { Box } from '../support/box.js';
import { waitFor } from '../support/wait.js';
import { drive } from '../faults/driver.js';
import { alive, closeStockedBox, openStockedBox, readPids } from '../faults/fault-box.js';
import { checkInvariants, settle } from '../faults/invariants.js';
import { checkOlap, olapPresent } from '../faults/olap-invariants.js';
import { report } from '../faults/support.js';

// Issue 25, part 1: a box on a JetStream cluster of three nats-servers (NATS_CLUSTER_SIZE=3), its stream at
// three replicas (EVENTS_REPLICAS=3), under a steady order flow. The stream's leader is SIGKILLed, then,
// while the runtime brings it back, the new leader too. Every client has all three servers' URLs: the
// functions' publishes, the outbox sweeper and the connector's consumers move to the servers left. Then
// the fault suite's invariants: no event lost, no effect doubled, the projector caught up.
let box: Box;
let db: Pool;
let nc: NatsConnection;
let jsm: JetStreamManager;
const skus = ['CLUSTER-A', 'CLUSTER-B', 'CLUSTER-C', 'CLUSTER-D'];
let customers: string[] = [];

beforeAll(async () => {
  ({ box, db, nc, customers } = await openStockedBox({
    skus: skus.map((sku, i) => ({ sku, name: `Cluster ${sku}`, unitPrice: 700 + 300 * i })),
    customers: Array.from({ length: 4 }, (_, i) => ({ id: `cluster-${i}`, name: `Cluster customer ${i}`, paymentTermsDays: 30 })),
    env: { NATS_CLUSTER_SIZE: '3', EVENTS_REPLICAS: '3' },
  }));
  jsm = await jetstreamManager(nc);
});

// CLUSTER_KEEP=1 keeps the data dir (the servers' logs in logs/nats-<i>.log) to read after a failure.
afterAll(() => closeStockedBox({ box, db, nc }, process.env.CLUSTER_KEEP === '1'));

/** The stream's leader and how many of its replicas are current, as JetStream reports them. */
async function streamState(): Promise<{ leader: string | undefined; current: number }> {
  const info = await jsm.streams.info(box.stream);
  const followers = info.cluster?.replicas ?? [];
  return { leader: info.cluster?.leader, current: (info.cluster?.leader ? 1 : 0) + followers.filter((r) => r.current).length };
}

/** SIGKILLs a server by its name (server_name = its key in pids.json); resolves once the runtime has started it again. */
async function killServer(name: string): Promise<{ pid: number; newPid: number; backMs: number }> {
  const pid = readPids(box)[name]!;
  expect(pid, `pids.json has ${name}`).toBeGreaterThan(0);
  const marker = box.output().length;
  const at = Date.now();
  process.kill(pid, 'SIGKILL');
  const newPid = await waitFor(
    async () => {
      const now = readPids(box)[name];
      return now && now !== pid && alive(now) ? now : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100, what: () => `${name} restarted\n${box.output().slice(marker)}` },
  );
  expect(box.output().slice(marker), `the runtime says ${name} died and restarts it`).toMatch(
    new RegExp(`! ${name} exited \\(SIGKILL\\); restarting in \\d+ ms`),
  );
  return { pid, newPid, backMs: Date.now() - at };
}

/** Orders accepted after the `from`-th, of which at least one reached an invoice (the reactions ran): polled. */
async function invoicedSince(accepted: () => string[], from: number, what: string): Promise<number> {
  const started = Date.now();
  await waitFor(
    async () => {
      const ids = accepted().slice(from);
      if (ids.length === 0) return false;
      const { rows } = await db.query<{ n: number }>('select count(*)::int as n from orders.orders where id = any($1) and invoice_id is not null', [ids]);
      return rows[0]!.n > 0;
    },
    { timeoutMs: 90_000, intervalMs: 250, what },
  );
  return Date.now() - started;
}

describe('a 3-node JetStream cluster, stream at R3, under a steady order flow', () => {
  it('loses the stream leader, then another server, and loses nothing, doubles nothing, catches up', async () => {
    const started = Date.now();
    const first = await streamState();
    expect((await jsm.streams.info(box.stream)).config.num_replicas).toBe(3);
    expect(first.current, 'the stream on three current servers').toBe(3);

    const run = drive({ box, skus, customers, ratePerSecond: 8, workers: 4 });
    const accepted = () => [...run.flow.accepted.keys()];
    await waitFor(async () => accepted().length >= 15, { timeoutMs: 60_000, what: 'the flow to get going' });

    // 1. The stream's leader.
    const leader1 = first.leader!;
    const before1 = accepted().length;
    const kill1 = await killServer(leader1);
    console.log(`killed the stream leader ${leader1} (pid ${kill1.pid}); back as ${kill1.newPid} in ${kill1.backMs} ms; ${before1} orders before`);
    // The flow carried on without it: an order accepted since, and reacted to.
    await waitFor(async () => accepted().length > before1, { timeoutMs: 60_000, what: 'an order accepted after the first kill' });

    // 2. While the first is coming back (restarted, catching up), the new leader: never two of three down for
    // long. Restarted within a second, the first often wins the election again before the other two have held
    // one: then it is asked to hand over (JetStream's leader stepdown), so the second kill takes another server.
    let second = await waitFor(async () => (await streamState()).leader, {
      timeoutMs: 60_000,
      what: () => `a stream leader elected\n${box.logTail(['nats-1', 'nats-2', 'nats-3'], 40)}`,
    });
    if (second === leader1) {
      console.log(`${leader1} is the stream's leader again: asked to step down`);
      await nc.request(`$JS.API.STREAM.LEADER.STEPDOWN.${box.stream}`, undefined, { timeout: 10_000 });
      second = await waitFor(
        async () => {
          const { leader } = await streamState();
          return leader && leader !== leader1 ? leader : undefined;
        },
        { timeoutMs: 60_000, what: () => `a stream leader other than ${leader1} after its stepdown\n${box.logTail(['nats-1', 'nats-2', 'nats-3'], 40)}` },
      );
    }
    const before2 = accepted().length;
    const kill2At = Date.now();
    const kill2 = await killServer(second);
    console.log(`killed the new leader ${second} (pid ${kill2.pid}); back as ${kill2.newPid} in ${kill2.backMs} ms; ${before2} orders before`);
    const window1 = accepted().slice(before1, before2);
    expect(window1.length, 'orders accepted between the two kills').toBeGreaterThan(0);

    // The connector and the outbox carried on: an order accepted after the second kill is invoiced while the flow runs.
    const invoicedAfterMs = await invoicedSince(accepted, before2, 'an order accepted after the second kill to be invoiced');
    const healed = await waitFor(async () => ((await streamState()).current === 3 ? Date.now() : undefined), {
      timeoutMs: 90_000,
      intervalMs: 250,
      what: 'all three replicas current again',
    });
    const afterHeal = accepted().length;
    await waitFor(async () => accepted().length >= afterHeal + 10, { timeoutMs: 60_000, what: 'ten orders accepted once the cluster healed' });
    const flow = await run.stop();
    const settled = await settle(box, db, nc, 120_000);
    const checked = await checkInvariants(box, db, nc, flow);

    // Every order of each window completed: none left pending, and some invoiced in each.
    const windows = { 'between the kills': window1, 'after the second kill': accepted().slice(before2) };
    const completed: Record<string, { orders: number; invoiced: number }> = {};
    for (const [name, ids] of Object.entries(windows)) {
      const { rows } = await db.query<{ pending: number; invoiced: number }>(
        `select count(*) filter (where status = 'pending')::int as pending, count(*) filter (where invoice_id is not null)::int as invoiced
           from orders.orders where id = any($1)`,
        [ids],
      );
      expect(rows[0]!.pending, `orders ${name} still pending`).toBe(0);
      expect(rows[0]!.invoiced, `orders ${name} invoiced`).toBeGreaterThan(0);
      completed[name] = { orders: ids.length, invoiced: rows[0]!.invoiced };
    }
    expect(flow.errors, 'unexpected answers').toEqual([]);
    const final = await streamState();
    expect(final.current).toBe(3);
    const olap = olapPresent ? await checkOlap(box, db) : {};

    // Only the two servers killed were restarted: no function or connector died of the failovers.
    const restartLines = box.output().match(/^! .*$/gm) ?? [];
    expect(restartLines.map((l) => /^! (\S+)/.exec(l)![1]).sort()).toEqual([leader1, second].sort());

    report('cluster', {
      kills: [
        { server: leader1, role: 'stream leader', backMs: kill1.backMs },
        { server: second, role: 'new stream leader, while the first came back', backMs: kill2.backMs },
      ],
      invoicedAfterSecondKillMs: invoicedAfterMs,
      healedMsAfterSecondKill: healed - kill2At,
      ordersAccepted: flow.accepted.size,
      completed,
      transientAnswersRetried: flow.transient,
      unknownOutcomes: flow.unknown,
      settleMs: settled.ms,
      seconds: Math.round((Date.now() - started) / 1000),
      checked: { ...checked, ...olap },
    });
  });
});
