import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';

export interface RunningNats {
  url: string;
  pid: number | undefined;
  stop: () => Promise<void>;
  /** Called when nats-server ends by itself (crash, kill): runtime/keep-alive.ts starts it again. */
  onExit: (cb: (why: string) => void) => void;
}

export function natsServerMissing(): boolean {
  return spawnSync('nats-server', ['--version']).error !== undefined;
}

/** A private nats-server with JetStream on <data>/nats, bound to 127.0.0.1. */
export async function startNats(dir: string, port: number): Promise<RunningNats> {
  const storeDir = join(dir, 'nats');
  mkdirSync(storeDir, { recursive: true });
  const log = createWriteStream(join(dir, 'logs', 'nats-server.log'), { flags: 'a' });
  const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const url = `nats://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}; see ${join(dir, 'logs', 'nats-server.log')}`);
    try {
      const nc = await connect({ servers: url, timeout: 500 });
      await nc.close();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL'); // a restart must not find this one still holding the port
        throw new Error('nats-server did not start within 15 s');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let stopping = false;
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise((done) => {
        stopping = true;
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
    onExit: (cb) => child.once('exit', (code, signal) => !stopping && cb(signal ?? `code ${code}`)),
  };
}
