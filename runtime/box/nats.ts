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

/**
 * A private nats-server with JetStream on <data>/nats, bound to 127.0.0.1, with erpbi's users and
 * their permissions (shared/events/nats-users.ts) as on the Pi: every process of the box signs in as
 * its own user, so a function publishing outside its domain fails here first.
 */
export async function startNats(dir: string, port: number, auth: { passwords: Record<NatsUser, string>; prefix: string }): Promise<Service> {
  const storeDir = join(dir, 'nats');
  mkdirSync(storeDir, { recursive: true });
  const conf = join(storeDir, 'nats-server.conf');
  writeFileSync(conf, `listen: "127.0.0.1:${port}"\njetstream { store_dir: ${JSON.stringify(storeDir)} }\n${natsAuthorization(auth.prefix)}`, { mode: 0o600 });
  const log = createWriteStream(join(dir, 'logs', 'nats-server.log'), { flags: 'a' });
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
  await waitUntilUp(child, up, 'nats-server', join(dir, 'logs', 'nats-server.log'));
  return childService(child, url);
}

/**
 * A password per NATS user, kept in box.json; new users of a newer version get theirs on the next start.
 * nats-server reads each as an unquoted config value ($VARIABLE), which it parses like the rest: one
 * starting with a digit or '-' can read as a number or a date and stop the server. A letter first and
 * hex after always reads as the string it is (docs/deploy-pi.md makes the Pi's the same way).
 */
export function natsPasswords(known: Partial<Record<NatsUser, string>> = {}): Record<NatsUser, string> {
  const fresh = () => `n${randomBytes(24).toString('hex')}`;
  return Object.fromEntries(natsUsers.map((u) => [u, known[u] && natsPasswordShape.test(known[u]) ? known[u] : fresh()])) as Record<NatsUser, string>;
}
