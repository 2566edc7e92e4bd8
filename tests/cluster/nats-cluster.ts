import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { freePort } from '../../runtime/box/box.js';
import { natsNodeNames } from '../../runtime/box/nats-cluster.js';
import { freshNatsPassword, natsPasswords, startNats } from '../../runtime/box/nats.js';
import type { Service } from '../../runtime/box/keep-alive.js';

/** Three nats-servers clustered on 127.0.0.1 as the box starts them (runtime/box/nats.ts), without the rest of a box. */
export async function startCluster(
  prefix: string,
): Promise<{ nc: NatsConnection; servers: Service[]; restart: (i: number) => Promise<void>; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'erpbi-cluster-'));
  mkdirSync(join(dir, 'logs'));
  const passwords = natsPasswords();
  const names = natsNodeNames(3);
  const ports: number[] = [];
  const routePorts: number[] = [];
  while (ports.length < names.length) {
    const [p, r] = [await freePort(), await freePort()];
    if (p === r || [...ports, ...routePorts].some((x) => x === p || x === r)) continue;
    ports.push(p);
    routePorts.push(r);
  }
  const routePassword = freshNatsPassword();
  const start = (i: number) => startNats(dir, ports[i]!, { passwords, prefix }, { name: names[i]!, routePort: routePorts[i]!, routePorts, routePassword });
  const servers = await Promise.all(names.map((_, i) => start(i)));
  const nc = await connect({ servers: servers.map((s) => s.url), user: 'operator', pass: passwords.operator, maxReconnectAttempts: -1 });
  return {
    nc,
    servers,
    restart: async (i) => {
      servers[i] = await start(i);
    },
    stop: async () => {
      await nc.close().catch(() => {});
      await Promise.all(servers.map((s) => s.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
