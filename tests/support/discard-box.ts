import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus } from '../../shared/events/bus.js';
import type { Box } from './box.js';
import { natsUrl } from './nats.js';
import type { TestDatabase } from './postgres.js';

/**
 * A test file's afterAll for a box on the shared Postgres and nats-server: stops the box, removes its
 * data dir, drops its database, and deletes its streams, which outlive the box on the shared server.
 * Either may be undefined (beforeAll failed half way).
 */
export async function discardBox(box: Box | undefined, db: TestDatabase | undefined): Promise<void> {
  await box?.stop();
  box?.remove();
  await db?.drop();
  if (!box) return;
  const bus = await connectBus(natsUrl, `${box.prefix}-test-cleanup`);
  const jsm = await jetstreamManager(bus.nc);
  for (const s of [box.stream, `${box.stream}_DLQ`]) await jsm.streams.delete(s).catch(() => undefined);
  await bus.nc.close();
}
