import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { errorLines } from './import.js';

// `npx erpbi import`, run as a user runs it: a wrong kind is the usage and exit 1; no box is said so;
// a refused file prints each problem as `line N, field: message`. (The import itself: tests/integration/import.test.ts.)

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'erpbi-cli-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function erpbi(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/erpbi.mjs', ...args], { env: { ...process.env, ERPBI_DATA: dir } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('erpbi import', () => {
  it('a wrong kind prints the usage and fails', async () => {
    const res = await erpbi('import', 'widgets', 'x.csv');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/import <products\|customers\|suppliers> <file> \[--dry-run\]/);
  });

  it('without a running box it says how to start one', async () => {
    const file = join(dir, 'p.csv');
    writeFileSync(file, 'sku,name,unitPrice,currency\nA,B,1,EUR\n');
    const res = await erpbi('import', 'products', file, '--dry-run');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/no erpbi box has started .*npm start/);
  });

  it('row errors as `line N, field: message`, with how many were not listed', () => {
    expect(
      errorLines({
        message: '3 problems',
        details: {
          rows: [
            { line: 2, field: 'sku', message: 'bad' },
            { line: 5, field: null, message: 'not valid CSV' },
          ],
          total: 3,
        },
      }),
    ).toEqual(['3 problems', 'line 2, sku: bad', 'line 5: not valid CSV', '... and 1 more']);
  });
});
