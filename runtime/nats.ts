import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { childService, waitUntilUp } from './child-service.js';
import type { Service } from './keep-alive.js';

export function natsServerMissing(): boolean {
  return spawnSync('nats-server', ['--version']).error !== undefined;
}

/** A private nats-server with JetStream on <data>/nats, bound to 127.0.0.1. */
export async function startNats(dir: string, port: number): Promise<Service> {
  const storeDir = join(dir, 'nats');
  mkdirSync(storeDir, { recursive: true });
  const log = createWriteStream(join(dir, 'logs', 'nats-server.log'), { flags: 'a' });
  const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const url = `nats://127.0.0.1:${port}`;
  const up = () => connect({ servers: url, timeout: 500 }).then((nc) => nc.close().then(() => true), () => false);
  await waitUntilUp(child, up, 'nats-server', join(dir, 'logs', 'nats-server.log'));
  return childService(child, url);
}
