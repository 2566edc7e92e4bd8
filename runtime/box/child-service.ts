import type { ChildProcess } from 'node:child_process';
import type { Service } from './keep-alive.js';

/**
 * Waits until a service the box started answers (`up()`), failing fast when the process exits; on
 * timeout it is SIGKILLed, so a restart does not find it still holding the port.
 */
export async function waitUntilUp(child: ChildProcess, up: () => Promise<boolean>, name: string, logFile: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await up())) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start within ${timeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The running child as runtime/box/keep-alive.ts keeps it: stop() ends it (SIGTERM) and waits; onExit reports an exit stop() did not cause. */
export function childService(child: ChildProcess, url: string): Service {
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
