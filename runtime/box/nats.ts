import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { childService, waitUntilUp } from './child-service.js';
import type { Service } from './keep-alive.js';
import { natsAuthorization, natsPasswordShape, natsUsers, passwordVariable, type NatsUser } from '../../shared/events/nats-users.js';

export function natsServerMissing(): boolean {
  return spawnSync('nats-server', ['--version']).error !== undefined;
}

/** One server of a JetStream cluster on 127.0.0.1 (runtime/box/nats-cluster.ts): its name, its route port, every route port. */
export interface ClusterNode {
  name: string;
  routePort: number;
  routePorts: number[];
  /** The servers' shared password on the route ports (box.json): another local process cannot join as a server. */
  routePassword: string;
}

/** The cluster block of a node's config: routes to every server (itself included, which nats-server skips). */
function clusterConf(node: ClusterNode): string {
  const routes = node.routePorts.map((p) => JSON.stringify(`nats-route://route:${node.routePassword}@127.0.0.1:${p}`));
  return [
    `server_name: ${JSON.stringify(node.name)}`,
    'cluster {',
    '  name: "erpbi"',
    `  listen: "127.0.0.1:${node.routePort}"`,
    `  authorization { user: "route", password: ${JSON.stringify(node.routePassword)} }`,
    `  routes: [${routes.join(', ')}]`,
    '}',
    '',
  ].join('\n');
}

/**
 * A private nats-server with JetStream on <data>/nats, bound to 127.0.0.1, with erpbi's users and
 * their permissions (shared/events/nats-users.ts) as on the Pi: every process of the box signs in as
 * its own user, so a function publishing outside its domain fails here first. Given `node`, one server
 * of a cluster instead: its store in <data>/<name>, its log logs/<name>.log.
 */
export async function startNats(
  dir: string,
  port: number,
  auth: { passwords: Record<NatsUser, string>; prefix: string },
  node?: ClusterNode,
): Promise<Service> {
  const name = node?.name ?? 'nats';
  const storeDir = join(dir, name);
  mkdirSync(storeDir, { recursive: true });
  const conf = join(storeDir, 'nats-server.conf');
  const server = `listen: "127.0.0.1:${port}"\njetstream { store_dir: ${JSON.stringify(storeDir)} }\n`;
  writeFileSync(conf, `${server}${node ? clusterConf(node) : ''}${natsAuthorization(auth.prefix)}`, { mode: 0o600 });
  const logFile = join(dir, 'logs', node ? `${node.name}.log` : 'nats-server.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  const passwords = Object.fromEntries(natsUsers.map((u) => [passwordVariable(u), auth.passwords[u]]));
  const child = spawn('nats-server', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...passwords } });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const url = `nats://127.0.0.1:${port}`;
  const up = () =>
    connect({ servers: url, timeout: 500, user: 'operator', pass: auth.passwords.operator }).then(
      (nc) => nc.close().then(() => true),
      () => false,
    );
  await waitUntilUp(child, up, node?.name ?? 'nats-server', logFile);
  return childService(child, url);
}

/**
 * A password per NATS user, kept in box.json; new users of a newer version get theirs on the next start.
 * nats-server reads each as an unquoted config value ($VARIABLE), which it parses like the rest: one
 * starting with a digit or '-' can read as a number or a date and stop the server. A letter first and
 * hex after always reads as the string it is (docs/deploy-pi.md makes the Pi's the same way).
 */
export function natsPasswords(known: Partial<Record<NatsUser, string>> = {}): Record<NatsUser, string> {
  return Object.fromEntries(natsUsers.map((u) => [u, known[u] && natsPasswordShape.test(known[u]) ? known[u] : freshNatsPassword()])) as Record<
    NatsUser,
    string
  >;
}

export function freshNatsPassword(): string {
  return `n${randomBytes(24).toString('hex')}`;
}
