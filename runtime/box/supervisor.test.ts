import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { answersHealth } from '../../gateway/health.js';
import { freePort } from './box.js';
import { Supervisor } from './supervisor.js';
import { readPortsFile, writePortsFile } from './ports-file.js';
import { waitFor } from '../../tests/support/wait.js';

// Ports chosen free by one process were bound by another first (boxes and tests starting side by side):
// CI saw a function of a box die at every restart. Processes now bind a port the OS picks and say
// which; the supervisor keeps ports.json, which the gateway follows.
const dir = mkdtempSync(join(tmpdir(), 'erpbi-supervisor-'));
const said: string[] = [];
let supervisor: Supervisor | undefined;
afterAll(async () => {
  await supervisor?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// A tiny process as the bundles are: it answers /_/health on PORT as FUNCTION_NAME and reports where it listens.
const healthServer = `
const { announceListening } = await import(${JSON.stringify(join(import.meta.dirname, '..', '..', 'shared', 'lifecycle.ts'))});
const server = (await import('node:http')).createServer((q, r) => r.end(JSON.stringify({ status: 'ok', function: process.env.FUNCTION_NAME })));
server.listen(Number(process.env.PORT), '127.0.0.1', () => announceListening(server.address()));`;
const args = ['--import', 'tsx', '--input-type=module', '-e', healthServer];

describe('supervisor', () => {
  const portsFile = join(dir, 'ports.json');

  it('runs a process on a port the OS picks, learns it, and learns the new one after a restart', async () => {
    const s: Supervisor = new Supervisor(
      join(dir, 'logs'),
      (line) => said.push(line),
      () => {},
      () => writePortsFile(portsFile, s.ports()),
    );
    supervisor = s;
    s.start({ name: 'probe', command: process.execPath, args, env: { FUNCTION_NAME: 'probe' } });
    const first = await waitFor(async () => s.port('probe'), { timeoutMs: 15_000, what: () => `probe's port\n${said.join('\n')}` });
    await s.waitHealthy(15_000);
    expect(await answersHealth(`http://127.0.0.1:${first}`, 1000, 'probe')).toBe(true);
    expect(readPortsFile(portsFile)).toEqual({ probe: first });

    process.kill(s.pids().probe!, 'SIGKILL');
    // Gone at once from ports.json (the gateway stops sending to a dead port), back when the new one reports.
    await waitFor(async () => (readPortsFile(portsFile).probe === undefined ? true : undefined), { timeoutMs: 5_000, what: 'probe out of ports.json' });
    const second = await waitFor(async () => (s.port('probe') !== first && s.port('probe') !== undefined ? s.port('probe') : undefined), {
      timeoutMs: 15_000,
      what: () => `probe back on a new port\n${said.join('\n')}`,
    });
    await s.waitHealthy(15_000);
    expect(readPortsFile(portsFile)).toEqual({ probe: second });
    expect(await answersHealth(`http://127.0.0.1:${second}`, 1000, 'probe')).toBe(true);
    expect(said.join('\n')).toMatch(/! probe exited \(SIGKILL\)/);
  });

  it('keeps a fixed port (the gateway people use), and leaves it out of ports.json', async () => {
    const s = supervisor!;
    const port = await freePort();
    s.start({ name: 'front', command: process.execPath, args, env: { FUNCTION_NAME: 'front' }, port });
    await s.waitHealthy(15_000);
    expect(s.port('front')).toBe(port);
    expect(await answersHealth(`http://127.0.0.1:${port}`, 1000, 'front')).toBe(true);
    expect(s.ports()).not.toHaveProperty('front');
  });

  it('does not count a process as healthy when another function answers its /_/health', async () => {
    const s = supervisor!;
    s.start({ name: 'impostor', command: process.execPath, args, env: { FUNCTION_NAME: 'query' } });
    const port = await waitFor(async () => s.port('impostor'), { timeoutMs: 15_000, what: () => `impostor's port\n${said.join('\n')}` });
    // It answers (as 'query'), yet the supervisor keeps waiting for 'impostor'.
    expect(await answersHealth(`http://127.0.0.1:${port}`, 1000)).toBe(true);
    await expect(s.waitHealthy(2500)).rejects.toThrow(/not healthy after 2500 ms: impostor/);
    expect(s.waiting()).toEqual(['impostor']);
  });
});
