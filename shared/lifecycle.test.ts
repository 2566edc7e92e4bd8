import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../tests/support/wait.js';

// runtime/box/supervisor.ts starts every bundle with an IPC channel. When the runtime is SIGKILLed nothing
// stops them: they must see the channel close and leave by themselves, not live on as orphans.
// A zombie (exited, not yet reaped by whoever inherited it) counts as gone.
const alive = (pid: number) => {
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

// The runtime's part: starts a child as the supervisor does (IPC channel), says its pid, then waits to be killed.
const parent = `
const { spawn } = await import('node:child_process');
const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', process.env.CHILD], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
child.on('message', () => console.log(String(child.pid)));
setInterval(() => {}, 1000);`;
// A bundle's part: stopOnSignal as serve() calls it; its step says it ran, then it tells the parent it is set.
const child = `
const { stopOnSignal } = await import(${JSON.stringify(join(import.meta.dirname, 'lifecycle.ts'))});
stopOnSignal([() => console.log('step ran')]);
setInterval(() => {}, 1000);
process.send('set');`;

describe('a process started with an IPC channel', () => {
  it('stops (running its steps) when the process that started it is SIGKILLed', async () => {
    const runtime = spawn(process.execPath, ['--input-type=module', '-e', parent], {
      env: { ...process.env, CHILD: child },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    runtime.stdout.on('data', (d) => (out += d));
    const pid = await waitFor(async () => Number(/^(\d+)$/m.exec(out)?.[1]) || undefined, { timeoutMs: 20_000, what: () => `the child's pid; said: ${out}` });
    expect(alive(pid)).toBe(true);
    runtime.kill('SIGKILL');
    try {
      await waitFor(async () => !alive(pid), { timeoutMs: 10_000, what: `child ${pid} to end after its parent was SIGKILLed` });
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL'); // ours: started by this test
    }
    expect(out).toContain('step ran');
  });
});
