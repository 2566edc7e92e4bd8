import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBox } from '../runtime/box/box.js';
import { loadOrCreateKeys } from '../runtime/dev-issuer/issuer.js';

// `npx erpbi token`, run as a user runs it: a token's lifetime is capped, and a `service` token (which
// posts events to the reactions as the connector does) is minted only with a warning. Stdout stays
// the token alone, so `$(npx erpbi token ...)` keeps working.

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erpbi-cli-token-'));
  await loadOrCreateKeys(dir);
  writeBox({ clientSecret: 'x', issuer: 'http://127.0.0.1:1/issuer' }, dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function erpbi(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/erpbi.mjs', ...args], { env: { ...process.env, ERPBI_DATA: dir } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const jwt = /^[\w-]+\.[\w-]+\.[\w-]+\n$/;

describe('erpbi token', () => {
  it('prints only the token, quietly, for a person role within the cap', async () => {
    const res = await erpbi('token', '--role', 'clerk', '--ttl', '86400');
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toMatch(jwt);
    const claims = decodeJwt(res.stdout.trim());
    expect(claims.exp! - claims.iat!).toBe(86400);
  });

  it('refuses a lifetime above 24 hours, printing nothing on stdout', async () => {
    const res = await erpbi('token', '--role', 'admin', '--ttl', '86401');
    expect(res.code).not.toBe(0);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/--ttl .*86400 seconds \(24 h\)/);
  });

  it('warns on stderr when minting the service role; stdout is still the token alone', async () => {
    const res = await erpbi('token', '--role', 'service');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(jwt);
    expect(res.stderr).toMatch(/warning: .*service.*connector/i);
  });
});
