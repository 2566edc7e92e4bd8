import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startBox, type Box } from '../support/box.js';
import { processesOf } from '../support/processes.js';
import { waitFor } from '../support/wait.js';

// How a box ends. Ctrl-C reaches every process of the terminal's group at once: the children that exit
// for it are not crashes, nothing is restarted, nothing is left. A runtime that is SIGKILLed cannot stop
// anything: its node processes end when their IPC channel closes, and the next start on the same data
// stops what remains (nats-server, postgres) before it starts its own.
const boxes: Box[] = [];
afterAll(async () => {
  for (const box of boxes) {
    await box.stop();
    // Whatever a failed run left of the boxes this file started.
    for (const { pid } of processesOf(box.dataDir)) process.kill(pid, 'SIGKILL');
    box.remove();
  }
});

// A zombie (exited, not yet reaped by whoever inherited it) holds nothing: it counts as gone.
const alive = (pid: number) => {
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
const readPids = (box: Box) => JSON.parse(readFileSync(join(box.dataDir, 'pids.json'), 'utf8')) as Record<string, number>;

describe('stopping the box', () => {
  it('stops on Ctrl-C without calling the children that exit for it crashes or restarting them, leaving no process', async () => {
    const box = await startBox({ terminal: true, readyTimeoutMs: 180_000 });
    boxes.push(box);
    expect(processesOf(box.dataDir).length).toBeGreaterThan(15); // the scan below sees the box's processes
    expect(await box.ctrlC()).toBe(0);
    const out = box.output();
    expect(out.slice(out.indexOf('stopping erpbi'))).not.toMatch(/restart|exited/);
    expect(out).not.toMatch(/restarting/);
    expect(out.trimEnd()).toMatch(/\nstopped\.$/);
    expect(processesOf(box.dataDir)).toEqual([]);
  }, 300_000);

  it('after the runtime is SIGKILLed its node processes end, and the next start stops the rest and comes up', async () => {
    const first = await startBox({ readyTimeoutMs: 180_000 });
    boxes.push(first);
    const pids = readPids(first);
    const others = ['runtime', 'postgres', 'nats-server'];
    const node = Object.entries(pids).filter(([name]) => !others.includes(name));
    expect(node.map(([name]) => name)).toEqual(expect.arrayContaining(['gateway', 'connector', 'object-storage', 'create-order', 'project-to-olap']));

    process.kill(pids.runtime!, 'SIGKILL');
    await waitFor(async () => node.every(([, pid]) => !alive(pid)), {
      timeoutMs: 15_000,
      what: () =>
        `the node processes to end; alive: ${node
          .filter(([, pid]) => alive(pid))
          .map(([name, pid]) => `${name} (${pid})`)
          .join(', ')}`,
    });

    // What is still running now is the next start's to stop; it says so, and comes up on the same data.
    const left = ['postgres', 'nats-server'].filter((name) => alive(pids[name]!));
    expect(left).toContain('postgres'); // nothing ends the postmaster but the next start
    const second = await startBox({ dataDir: first.dataDir, readyTimeoutMs: 180_000 });
    boxes.push(second);
    for (const name of left) expect(second.output()).toContain(`stopped ${name} (pid ${pids[name]}), left running by the previous run`);
    for (const name of others) expect(alive(pids[name]!), `${name} of the first run`).toBe(false);
    expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
  }, 480_000);
});
