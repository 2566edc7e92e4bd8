import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStreams } from '../../shared/events/bus.js';
import { waitFor } from '../support/wait.js';
import { startCluster } from './nats-cluster.js';

// EVENTS_REPLICAS on a real 3-node cluster: an R1 stream (a box that ran before the setting) is scaled to
// R3 with its durable consumers, and a process not given the setting (undefined) scales nothing down.
let cluster: Awaited<ReturnType<typeof startCluster>>;
const stream = 'REPLICAS_EVENTS';

beforeAll(async () => {
  cluster = await startCluster('rep');
});
afterAll(async () => {
  await cluster?.stop();
});

const replicasOf = async (name: string) => {
  const info = await (await jetstreamManager(cluster.nc)).streams.info(name);
  return { configured: info.config.num_replicas, peers: 1 + (info.cluster?.replicas?.length ?? 0) };
};

describe('EVENTS_REPLICAS', () => {
  it('scales an existing R1 stream, its dead letters and its durable consumers to R3, and never down when unset', async () => {
    const jsm = await jetstreamManager(cluster.nc); // startCluster resolves once the cluster has a meta leader
    await ensureStreams(cluster.nc, stream, 'rep');
    expect(await replicasOf(stream)).toEqual({ configured: 1, peers: 1 });
    await jsm.consumers.add(stream, { durable_name: 'reader', ack_policy: AckPolicy.Explicit, filter_subject: 'rep.orders.>' });

    await ensureStreams(cluster.nc, stream, 'rep', 3);
    for (const name of [stream, `${stream}_DLQ`]) {
      await waitFor(async () => (await replicasOf(name)).peers === 3, { timeoutMs: 30_000, what: `${name} on three servers` });
      expect((await replicasOf(name)).configured).toBe(3);
    }
    await waitFor(async () => 1 + ((await jsm.consumers.info(stream, 'reader')).cluster?.replicas?.length ?? 0) === 3, {
      timeoutMs: 30_000,
      what: 'the durable consumer on three servers',
    });

    // A process started without EVENTS_REPLICAS (a CLI restore, say) leaves the count alone.
    await ensureStreams(cluster.nc, stream, 'rep');
    expect(await replicasOf(stream)).toEqual({ configured: 3, peers: 3 });
  });
});
