import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { coldStarts } from '../../bench/lib/coldstart.js';
import { readServicesFile, writeServicesFile } from './services-file.js';

// The bench starts each bundle from <data>/services.json, exactly as the box did: its copy of the env by
// hand fell behind the least-privilege work and every cold start died unseen (issue 24).
const dir = mkdtempSync(join(tmpdir(), 'erpbi-services-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A bundle as build/functions/<name>/index.js is: answers /_/health on PORT (0: the OS picks) and says where over IPC,
// unless its env lacks the password the box gives it, as a function refused by NATS does.
const bundle = `
if (process.env.NATS_PASSWORD !== 'right') { console.error('NATS: Authorization Violation'); process.exit(3); }
const server = (await import('node:http')).createServer((q, r) => r.end('{"status":"ok"}'));
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.({ erpbi: 'listening', port: server.address().port }));
process.on('SIGTERM', () => process.exit(0));`;

function box(env: Record<string, string>): string {
  const data = mkdtempSync(join(dir, 'data-'));
  const file = join(data, 'build', 'functions', 'probe', 'index.js');
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file.replace(/\.js$/, '.mjs'), bundle);
  writeFileSync(file, `import('./index.mjs');`);
  // esbuild's metafile beside it, as the build writes it: what a start reads (startBytes) is the entry and the chunk it imports.
  const outputs = {
    'build/functions/probe/index.js': { bytes: 100, entryPoint: 'entry.ts', imports: [{ path: 'build/functions/probe/index.mjs', kind: 'import-statement' }] },
    'build/functions/probe/index.mjs': { bytes: 23, imports: [] },
  };
  writeFileSync(file.replace(/\.js$/, '.meta.json'), JSON.stringify({ outputs }));
  writeServicesFile(join(data, 'services.json'), [
    { name: 'probe', command: process.execPath, args: [file], env: { FUNCTION_NAME: 'probe', ...env } },
    { name: 'gateway', command: process.execPath, args: ['gateway-main.ts'], env: { CLIENT_SECRET: 's' }, port: 8080 },
  ]);
  return data;
}

describe('services.json', () => {
  it('holds what the box added to each spawn, readable by its owner only (it holds passwords)', () => {
    const data = box({ NATS_PASSWORD: 'right' });
    const file = join(data, 'services.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readServicesFile(file).probe).toMatchObject({ command: process.execPath, env: { FUNCTION_NAME: 'probe', NATS_PASSWORD: 'right' } });
    expect(readServicesFile(file).gateway?.port).toBe(8080);
  });

  it('starts a function as the box does: the bench times its cold start', async () => {
    const [probe, ...rest] = await coldStarts(box({ NATS_PASSWORD: 'right' }), 2);
    expect(rest).toEqual([]); // the gateway is no bundle of build/functions
    expect(probe).toMatchObject({ name: 'probe', coldMs: [expect.any(Number), expect.any(Number)], startBytes: 123 });
    expect(probe!.coldMs.every((ms) => ms > 0 && ms < 20_000)).toBe(true);
    expect(probe!.rssKb).toBeGreaterThan(0);
  });

  it('stops the bench naming the function, how it ended and its last output when it cannot start', async () => {
    await expect(coldStarts(box({ NATS_PASSWORD: 'wrong' }), 1)).rejects.toThrow(
      /cannot measure the cold start of probe: exited with code 3 before answering \/_\/health\n--- last output ---\nNATS: Authorization Violation/,
    );
  });
});
