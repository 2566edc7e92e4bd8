import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus, ensureStreams, type Bus } from '../../shared/events/bus.js';

// The machine's nats-server; each test file gets its own subject prefix and stream names.
export const natsUrl = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

export interface TestBus {
  bus: Bus;
  prefix: string;
  stream: string;
  cleanup: () => Promise<void>;
}

export async function createTestBus(label = 't'): Promise<TestBus> {
  const id = randomBytes(4).toString('hex');
  const prefix = `${label}${id}`;
  const stream = `${label.toUpperCase()}${id.toUpperCase()}_EVENTS`;
  const bus = await connectBus(natsUrl, `test-${prefix}`);
  await ensureStreams(bus.nc, stream, prefix);
  return {
    bus,
    prefix,
    stream,
    cleanup: async () => {
      const jsm = await jetstreamManager(bus.nc);
      for (const s of [stream, `${stream}_DLQ`]) await jsm.streams.delete(s).catch(() => {});
      await bus.nc.close();
    },
  };
}
