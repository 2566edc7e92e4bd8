import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { keepAlive, type KeptAlive } from './keep-alive.js';
import { freshNatsPassword, natsPasswords, startNats } from './nats.js';
import { stickyPort, type BoxFile } from './box.js';
import type { NatsUser } from '../../shared/events/nats-users.js';

// NATS_CLUSTER_SIZE=3 (or 5): the box runs a JetStream cluster of that many nats-servers on 127.0.0.1 instead
// of one, each with its own store dir, client port and route port, all with the same users. Each is kept
// alive like any other service of the box (keep-alive.ts): a killed server restarts on its ports and data and
// catches up from the others. Every client gets every server's URL (NATS_URL, comma-separated) and moves on
// to another when its server goes; with EVENTS_REPLICAS=3 the stream survives losing any one server.

/** The servers' names: the server_name each gives itself, and its key in pids.json (the stream leader -> its pid). */
const natsNodeNames = (size: number) => Array.from({ length: size }, (_, i) => `nats-${i + 1}`);

export interface BoxNats {
  /** Every server's URL, comma-separated: what NATS_URL takes. */
  url: string;
  passwords: Record<NatsUser, string>;
  servers: KeptAlive[];
}

/**
 * Starts the box's nats-server (size 1, as before: <data>/nats, box.natsPort) or its cluster (nats-1..n in
 * <data>/nats-<i>, box.natsPorts and box.natsRoutePorts), keeping the ports in box.json for the next start.
 * Resolves once JetStream answers: for a cluster, once its servers have elected a meta leader.
 */
export async function startBoxNats(opts: {
  dir: string;
  box: BoxFile;
  size: number;
  prefix: string;
  saveBox: () => void;
  say: (line: string) => void;
  onPid: (name: string, pid: number | undefined) => void;
  leaving: AbortSignal;
}): Promise<BoxNats> {
  const { dir, box, size, prefix, say } = opts;
  const passwords = (box.natsPasswords = natsPasswords(box.natsPasswords));
  if (size === 1) {
    const port = (box.natsPort = await stickyPort(box.natsPort));
    // A box that ran as a cluster before: its servers' ports would still be what clients (natsUrlOf) are given.
    delete box.natsPorts;
    delete box.natsRoutePorts;
    opts.saveBox();
    say(`starting nats-server (JetStream) on 127.0.0.1:${port}...`);
    const server = await keepAlive(
      'nats-server',
      () => startNats(dir, port, { passwords, prefix }),
      say,
      (pid) => opts.onPid('nats-server', pid),
      opts.leaving,
    );
    return { url: server.url, passwords, servers: [server] };
  }
  const ports = await freshPorts(box.natsPorts, size);
  const routePorts = await freshPorts(box.natsRoutePorts, size, ports);
  box.natsPorts = ports;
  box.natsPort = ports[0];
  box.natsRoutePorts = routePorts;
  // shared by the servers on their route ports (box.json): another local process cannot join as a server
  box.natsRoutePassword ??= freshNatsPassword();
  opts.saveBox();
  const names = natsNodeNames(size);
  say(`starting a JetStream cluster of ${size} nats-servers on 127.0.0.1:${ports.join(', ')} (routes ${routePorts.join(', ')})...`);
  const routePass = box.natsRoutePassword;
  const servers = await Promise.all(
    names.map((name, i) =>
      keepAlive(
        name,
        () => startNats(dir, ports[i]!, { passwords, prefix }, { name, routePort: routePorts[i]!, routePorts, routePassword: routePass }),
        say,
        (pid) => opts.onPid(name, pid),
        opts.leaving,
      ),
    ),
  );
  const url = servers.map((s) => s.url).join(',');
  await waitForJetStream(url, passwords.operator);
  return { url, passwords, servers };
}

/** The ports kept in box.json while each is still free (and not among `taken`), else new ones. */
async function freshPorts(kept: number[] | undefined, size: number, taken: number[] = []): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < size; i++) {
    let port = await stickyPort(kept?.[i]);
    while (ports.includes(port) || taken.includes(port)) port = await stickyPort(undefined);
    ports.push(port);
  }
  return ports;
}

/** Until JetStream answers an account request: a cluster's servers are up before they have chosen a meta leader. */
async function waitForJetStream(url: string, operatorPassword: string, timeoutMs = 60_000): Promise<void> {
  const nc = await connect({ servers: url.split(','), user: 'operator', pass: operatorPassword, name: 'erpbi-runtime-wait' });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await (await jetstreamManager(nc, { timeout: 2000 })).getAccountInfo();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`the JetStream cluster did not elect a leader within ${timeoutMs / 1000} s: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await nc.close();
  }
}
