import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopLeftovers } from './leftovers.js';
import { waitFor } from '../../tests/support/wait.js';

// The next start after a SIGKILLed runtime stops what it left (nats-server, postgres), and only that:
// a pid in pids.json may belong to any process by now.
const root = mkdtempSync(join(tmpdir(), 'erpbi-leftovers-'));
const started: ChildProcess[] = [];
afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A process that runs until signalled; `ignoreTerm`: only SIGINT ends it (as postgres's fast shutdown). */
async function sleeper(opts: { args?: string[]; env?: Record<string, string>; ignoreTerm?: boolean; script?: string } = {}): Promise<number> {
  const code = `${opts.ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000); console.log('up');`;
  const child = spawn(process.execPath, [...(opts.script ? ['--import', 'tsx', opts.script] : ['-e', code]), '--', ...(opts.args ?? [])], {
    env: { ...process.env, ERPBI_DATA: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(child);
  await new Promise((up, failed) => {
    child.stdout!.once('data', up);
    child.once('exit', (code) => failed(new Error(`sleeper exited with ${code}`)));
  });
  return child.pid!;
}

function boxDir(name: string, pids: Record<string, number>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pids.json'), JSON.stringify(pids));
  return dir;
}

describe('stopping what a killed runtime left', () => {
  it("stops the listed processes that are still the box's, saying so, and leaves others alone", async () => {
    const dir = join(root, 'a');
    const nats = await sleeper({ args: ['-sd', join(dir, 'nats')] }); // the data dir on its command line
    const fn = await sleeper({ env: { ERPBI_DATA: dir } }); // the data dir in its environment
    const postgres = await sleeper({ args: ['-D', join(dir, 'pg')], ignoreTerm: true });
    const stranger = await sleeper(); // a pid reused by a process that is not the box's
    const otherBox = await sleeper({ env: { ERPBI_DATA: `${dir}-other` }, args: ['-sd', `${dir}-other/nats`] });
    boxDir('a', { runtime: 999_999_999, 'nats-server': nats, 'create-order': fn, postgres, query: stranger, connector: otherBox });
    const said: string[] = [];
    const stopped = await stopLeftovers(dir, (l) => said.push(l), 5000);
    expect(stopped.sort()).toEqual(['create-order', 'nats-server', 'postgres']);
    for (const pid of [nats, fn, postgres]) await waitFor(async () => !alive(pid), { timeoutMs: 5000, what: `${pid} gone` });
    expect(alive(stranger)).toBe(true);
    expect(alive(otherBox)).toBe(true);
    expect(said.join('\n')).toContain(`stopped nats-server (pid ${nats}), left running by the previous run`);
    expect(said.join('\n')).toContain(`stopped postgres (pid ${postgres}), left running by the previous run`);
    expect(said.join('\n')).not.toMatch(/SIGKILL/); // postgres was asked with SIGINT, its fast shutdown
    expect(said.join('\n')).not.toContain(String(stranger));
  });

  it('says nothing and stops nothing when the previous run left nothing', async () => {
    const dir = boxDir('b', { runtime: 999_999_999, 'nats-server': 999_999_998 });
    const said: string[] = [];
    expect(await stopLeftovers(dir, (l) => said.push(l))).toEqual([]);
    expect(said).toEqual([]);
  });

  it('refuses to start when the runtime of the box is still running, touching none of its processes', async () => {
    const dir = join(root, 'c');
    mkdirSync(join(dir, 'runtime', 'box'), { recursive: true });
    const main = join(dir, 'runtime', 'box', 'main.ts'); // a stand-in with the runtime's command line
    writeFileSync(main, "setInterval(() => {}, 1000); console.log('up');");
    const runtime = await sleeper({ script: main, env: { ERPBI_DATA: dir } });
    const nats = await sleeper({ args: ['-sd', join(dir, 'nats')] });
    boxDir('c', { runtime, 'nats-server': nats });
    await expect(stopLeftovers(dir, () => {})).rejects.toThrow(`erpbi already runs on ${dir} (pid ${runtime})`);
    expect(alive(nats)).toBe(true);
  });

  it("knows the runtime also by npm start's command line (runtime/box/start.mjs, the runtime from its bundle)", async () => {
    const dir = join(root, 'd');
    mkdirSync(join(dir, 'runtime', 'box'), { recursive: true });
    const start = join(dir, 'runtime', 'box', 'start.mjs');
    writeFileSync(start, "setInterval(() => {}, 1000); console.log('up');");
    const runtime = await sleeper({ script: start, env: { ERPBI_DATA: dir } });
    boxDir('d', { runtime });
    await expect(stopLeftovers(dir, () => {})).rejects.toThrow(`erpbi already runs on ${dir} (pid ${runtime})`);
  });
});
