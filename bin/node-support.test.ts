import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeSupportProblem, supportedLines, supportedNode } from './node-support.mjs';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const pinned = (JSON.parse(readFileSync(join(root, 'compose', 'node', 'release.json'), 'utf8')) as { version: string }).version;
const scratch = mkdtempSync(join(tmpdir(), 'erpbi-node-support-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `args` on this Node.js made to say it is `version` (a preload rewrites process.version first). */
function runAs(version: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const pretend = `data:text/javascript,Object.defineProperty(process,'version',{value:${JSON.stringify(version)}})`;
  return spawnSync(process.execPath, ['--import', pretend, ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
}

describe('supported Node.js: package.json engines, read by npm start and the erpbi CLI', () => {
  it('reads its range from package.json: lines 22 and 24, and the release the images and CI pin is one of them', () => {
    expect(supportedNode).toBe(pkg.engines.node);
    expect(supportedLines()).toEqual([22, 24]);
    expect(nodeSupportProblem(`v${pinned}`)).toBeUndefined();
    expect(nodeSupportProblem('v22.11.0')).toBeUndefined();
  });

  it('refuses an end-of-life Node.js, naming it and the supported lines', () => {
    const problem = nodeSupportProblem('v20.19.5');
    expect(problem).toContain('v20.19.5');
    expect(problem).toContain('end of life');
    expect(problem).toContain('22 or 24');
    expect(nodeSupportProblem('v18.20.8')).toContain('v18.20.8');
    // 22 before its first LTS release (22.11.0) is not the LTS line
    expect(nodeSupportProblem('v22.10.0')).toContain('v22.10.0');
  });

  it('refuses a newer line than the suite runs on', () => {
    expect(nodeSupportProblem('v26.12.1')).toMatch(/v26\.12\.1 is newer than any Node\.js line erpbi is tested on.*22 or 24/);
  });

  it('the erpbi CLI exits 1 with the message on stderr before doing anything', () => {
    const out = join(scratch, 'token-box');
    const run = runAs('v20.19.5', ['bin/erpbi.mjs', 'token', '--role', 'admin'], { ERPBI_DATA: out });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr.trim()).toBe(nodeSupportProblem('v20.19.5'));
    expect(run.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    // the same command on this (supported) Node.js gets past the check
    const help = runAs(process.version, ['bin/erpbi.mjs', '--help']);
    expect(`${help.stdout}${help.stderr}`).toContain('usage: erpbi');
  });

  it('npm start (runtime/box/start.mjs) exits 1 with the message before it makes its data dir or starts anything', () => {
    const data = join(scratch, 'start-box');
    const run = runAs('v20.19.5', ['runtime/box/start.mjs'], { ERPBI_DATA: data, ERPBI_PORT: '1' });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr.trim()).toBe(nodeSupportProblem('v20.19.5'));
    expect(run.stdout).toBe('');
    expect(existsSync(data)).toBe(false);
  });
});
