import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { answersHealth } from '../../gateway/health.js';
import { listeningMessage } from '../../shared/lifecycle.js';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** The port people use (the gateway's). Without it the process binds a port the OS picks (PORT=0)
   *  and reports it (shared/lifecycle.ts announceListening); the supervisor learns it over IPC. */
  port?: number;
}

interface Supervised {
  spec: ProcessSpec;
  /** Where it listens now; undefined until a process without a fixed port has reported it. */
  port: number | undefined;
  child?: ChildProcess;
  healthy: boolean;
  restarts: number;
  startedAt: number;
}

/**
 * Runs each bundle as its own process, logs to data/logs/<name>.log, restarts a process that dies
 * (with growing delays, said in the terminal), and waits at start until each answers its health (the box's
 * /healthz, later on, is the gateway's: runtime/box/gateway-main.ts).
 *
 * Ports: a port chosen free by one process can be bound by another before the first binds it (boxes and
 * tests starting side by side did, and a function then died at every restart). So processes bind port 0
 * and the OS, which never hands out a bound port, picks it; each (re)start reports where it listens and
 * onPortsChanged tells the gateway (ports.json).
 */
export class Supervisor {
  private readonly procs = new Map<string, Supervised>();
  private stopping = false;

  constructor(
    private readonly logDir: string,
    private readonly say: (line: string) => void,
    /** Called after every (re)start, e.g. to keep pids.json current. */
    private readonly onSpawn: () => void = () => {},
    /** Called when a process reported the port it listens on. */
    private readonly onPortsChanged: () => void = () => {},
  ) {
    mkdirSync(logDir, { recursive: true });
  }

  start(spec: ProcessSpec): void {
    const entry: Supervised = { spec, port: spec.port, healthy: false, restarts: 0, startedAt: Date.now() };
    this.procs.set(spec.name, entry);
    this.launch(entry);
  }

  private launch(entry: Supervised): void {
    if (this.stopping) return;
    entry.port = entry.spec.port;
    // The child writes its log file itself: piping every line through this process cost the runtime
    // a fifth of its CPU under load (bench/ profile).
    const log = openSync(join(this.logDir, `${entry.spec.name}.log`), 'a');
    let child: ChildProcess;
    try {
      child = spawn(entry.spec.command, entry.spec.args, {
        env: { ...process.env, ...entry.spec.env, PORT: String(entry.spec.port ?? 0) },
        // Every child gets an IPC channel, also those on a fixed port that report nothing over it: when
        // it closes because this process died (SIGKILL), they end by themselves (shared/lifecycle.ts).
        stdio: ['ignore', log, log, 'ipc'],
      });
    } finally {
      closeSync(log);
    }
    entry.child = child;
    entry.healthy = false;
    entry.startedAt = Date.now();
    this.onSpawn();
    child.on('message', (message) => {
      const port = listeningMessage(message);
      if (port === undefined || entry.child !== child) return;
      entry.port = port;
      this.onPortsChanged();
    });
    child.on('exit', (code, signal) => {
      entry.healthy = false;
      entry.child = undefined;
      if (this.stopping) return;
      // Nothing listens there any more: the gateway stops sending to it and /healthz waits for the restart,
      // instead of both trusting the old port until a probe misses.
      if (entry.spec.port === undefined && entry.port !== undefined) {
        entry.port = undefined;
        this.onPortsChanged();
      }
      // A process that ran a while before dying starts again at the short delay.
      if (Date.now() - entry.startedAt > 30_000) entry.restarts = 0;
      const delay = Math.min(250 * 2 ** entry.restarts, 15_000);
      entry.restarts += 1;
      this.say(`! ${entry.spec.name} exited (${signal ?? `code ${code}`}); restarting in ${delay} ms (see ${join(this.logDir, entry.spec.name + '.log')})`);
      setTimeout(() => !this.stopping && this.launch(entry), delay);
    });
  }

  private async checkAll(): Promise<void> {
    await Promise.all(
      [...this.procs.values()].map(async (p) => {
        if (!p.child || p.port === undefined) return;
        p.healthy = await answersHealth(`http://127.0.0.1:${p.port}`, 900, p.spec.name);
      }),
    );
  }

  /** What each process is started with (runtime/box/services-file.ts writes it for the bench). */
  specs(): ProcessSpec[] {
    return [...this.procs.values()].map((p) => p.spec);
  }

  port(name: string): number | undefined {
    return this.procs.get(name)?.port;
  }

  /** Where each process without a fixed port listens now (those that have said so). */
  ports(): Record<string, number> {
    return Object.fromEntries([...this.procs].flatMap(([name, p]) => (p.spec.port === undefined && p.port !== undefined ? [[name, p.port]] : [])));
  }

  pids(): Record<string, number | undefined> {
    return Object.fromEntries([...this.procs].map(([name, p]) => [name, p.child?.pid]));
  }

  waiting(): string[] {
    return [...this.procs.values()].filter((p) => !p.healthy).map((p) => p.spec.name);
  }

  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await this.checkAll();
      if (this.waiting().length === 0) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`not healthy after ${timeoutMs} ms: ${this.waiting().join(', ')}`);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.procs.values()].map(
        (p) =>
          new Promise<void>((done) => {
            const child = p.child;
            if (!child) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}
