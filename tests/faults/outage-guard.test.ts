import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../runtime/box/box.js';
import { databasePasswords, startEmbeddedPostgres, type RunningPostgres } from '../../runtime/box/postgres.js';
import { isDependencyOutage } from '../../shared/dependency-outage.js';
import { DatabaseUnavailable } from '../../shared/db/pool.js';
import { waitFor } from '../support/wait.js';

// Issue 21: render-document ended by itself (code 1) right after Postgres was SIGKILLed. An error a
// client lets escape when its server goes away must not end a function (shared/dependency-outage.ts,
// installed by shared/http/serve.ts). A private Postgres (embedded, its own directory and port, not
// the machine's) is SIGKILLed under two processes holding a connection that has no error listener:
// without the guard the process dies (the fault is real), with it the process lives and queries again
// once Postgres is back.
const dir = mkdtempSync(join(tmpdir(), 'erpbi-outage-'));
const passwords = databasePasswords();
let port: number;
let postgres: RunningPostgres;
const children: ChildProcess[] = [];

beforeAll(async () => {
  port = await freePort();
  postgres = await startEmbeddedPostgres(dir, port, () => {}, passwords);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function start(guard: boolean): Promise<{ child: ChildProcess; out: () => string }> {
  const child = fork(join(import.meta.dirname, 'outage-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DATABASE_URL: postgres.url, GUARD: guard ? '1' : '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((ready, fail) => {
    child.once('message', () => ready({ child, out: () => out }));
    child.once('exit', (code) => fail(new Error(`child exited with ${code} before it was ready:\n${out}`)));
  });
}

const ask = (child: ChildProcess) =>
  new Promise<{ one?: number; error?: string }>((answer) => {
    child.once('message', (m) => answer(m as { one?: number; error?: string }));
    child.send('query');
  });

describe('a function process when Postgres is SIGKILLed under it', () => {
  it('tells outage errors from others', () => {
    expect(isDependencyOutage(new DatabaseUnavailable(new Error('x')))).toBe(true);
    expect(isDependencyOutage(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isDependencyOutage(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDependencyOutage(new Error('wrapped', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }))).toBe(true);
    expect(isDependencyOutage(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(false);
    expect(isDependencyOutage(new Error("the invoice is not in billing's records"))).toBe(false);
    expect(isDependencyOutage('a string')).toBe(false);
  });

  it('without the guard it exits with code 1; with it, it lives on and queries again once Postgres is back', async () => {
    const bare = await start(false);
    const guarded = await start(true);
    expect(await ask(guarded.child)).toEqual({ one: 1 });
    const exited = new Promise<number | null>((done) => bare.child.once('exit', (code) => done(code)));

    process.kill(postgres.pid, 'SIGKILL');
    // The control: Node's default for the escaped 'error' event ends the process.
    expect(await exited, bare.out()).toBe(1);
    expect(bare.out()).toMatch(/terminating connection|Connection terminated/);
    // The guarded one says what escaped and stays.
    await waitFor(async () => /carrying on/.test(guarded.out()), { timeoutMs: 15_000, what: () => `the guard's log line\n${guarded.out()}` });
    expect(guarded.child.exitCode).toBeNull();

    postgres = await waitFor(async () => startEmbeddedPostgres(dir, port, () => {}, passwords).catch(() => undefined), {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'Postgres started again',
    });
    const again = await waitFor(
      async () => {
        const a = await ask(guarded.child);
        return a.one === 1 ? a : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: () => `a query after the restart\n${guarded.out()}` },
    );
    expect(again).toEqual({ one: 1 });
    expect(guarded.child.exitCode).toBeNull();
  });
});
