import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startBoxNats } from '../../runtime/box/nats-cluster.js';

/**
 * Three nats-servers clustered on 127.0.0.1, started as the box starts them (runtime/box/nats-cluster.ts:
 * ports, routes, erpbi's users, kept alive; resolved once JetStream has a meta leader), without the rest of a box.
 */
export async function startCluster(prefix: string): Promise<{ nc: NatsConnection; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'erpbi-cluster-'));
  mkdirSync(join(dir, 'logs'));
  const leaving = new AbortController();
  const nats = await startBoxNats({
    dir,
    box: { clientSecret: '' },
    size: 3,
    prefix,
    saveBox: () => {},
    say: () => {},
    onPid: () => {},
    leaving: leaving.signal,
  });
  const nc = await connect({ servers: nats.url.split(','), user: 'operator', pass: nats.passwords.operator, maxReconnectAttempts: -1 });
  return {
    nc,
    stop: async () => {
      await nc.close().catch(() => {});
      leaving.abort();
      await Promise.all(nats.servers.map((s) => s.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
