import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Deps } from '../unit-of-work.js';
import { createTestKeys, type TestKeys } from '../../tests/support/tokens.js';
import { buildApp } from './app.js';
import type { AnswerCheck } from './answer-check-modes.js';
import { defineFunction, mount, query } from './definition.js';

// CHECK_ANSWERS: with `refuse`, a success answer that does not match its route's schema is our 500,
// logged with zod's issues; a matching one goes out as it is; `log` logs and sends; `off` checks nothing.

const thing = z.strictObject({ id: z.string(), total: z.number().int() });
let answer: unknown = { id: 'a', total: 1 };
const def = defineFunction({
  name: 'check',
  routes: [
    query({ path: '/things/:id', roles: ['clerk'], input: z.object({ id: z.string() }), answer: thing, run: async () => answer }),
    mount({
      register: (app) => void app.get('/bi/:name', async () => answer),
      describe: [
        {
          method: 'GET',
          path: '/bi/:name',
          fixed: { name: 'ok' },
          summary: 'fixed',
          roles: ['clerk'],
          responses: { 200: { description: 'a thing', mediaTypes: ['application/json'], schema: thing } },
        },
        {
          method: 'GET',
          path: '/bi/:name',
          summary: 'any other',
          roles: ['clerk'],
          params: z.object({ name: z.string() }),
          responses: { 200: { description: 'anything', mediaTypes: ['application/json'] } },
        },
      ],
    }),
  ],
});

let keys: TestKeys;
const logged: { msg: string; issues?: { path: unknown[] }[] }[] = [];
const log = pino({ level: 'error' }, new Writable({ write: (chunk: Buffer, _enc, done) => (logged.push(JSON.parse(chunk.toString())), done()) }));
const appWith = (checkAnswers: AnswerCheck) => buildApp(def, { deps: { log } as unknown as Deps, verify: (h) => keys.verifier(h), checkAnswers });

beforeAll(async () => {
  keys = await createTestKeys();
});
afterAll(() => void (answer = undefined));

async function call(checkAnswers: AnswerCheck, url: string) {
  const app = appWith(checkAnswers);
  const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await keys.token('clerk')}` } });
  await app.close();
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

describe('the answer check', () => {
  it('sends an answer that matches its schema as it is', async () => {
    answer = { id: 'a', total: 1 };
    expect(await call('refuse', '/things/a')).toEqual({ status: 200, body: { id: 'a', total: 1 } });
    expect(await call('refuse', '/bi/ok')).toEqual({ status: 200, body: { id: 'a', total: 1 } });
  });

  it("answers 500 `internal` for a read's or a mount's wrong answer (a command's goes through the same hook), never sending it, and logs the issues", async () => {
    for (const wrong of [
      { id: 'a', total: 1.5 },
      { id: 'a', total: 1, extra: 'leak' },
      { id: 7, total: 1 },
    ]) {
      answer = wrong;
      for (const url of ['/things/a', '/bi/ok']) {
        logged.length = 0;
        const res = await call('refuse', url);
        expect(res.status, `${url} ${JSON.stringify(wrong)}`).toBe(500);
        expect(res.body).toEqual({ error: { code: 'internal', message: expect.any(String) } });
        expect(JSON.stringify(res.body)).not.toContain('leak');
        expect(logged.find((l) => l.msg === 'answer does not match its schema')?.issues?.length).toBeGreaterThan(0);
      }
    }
  });

  it('with `log`, logs the issues and sends the answer', async () => {
    answer = { id: 'a', total: 1, extra: true };
    logged.length = 0;
    expect(await call('log', '/things/a')).toEqual({ status: 200, body: answer });
    expect(logged.find((l) => l.msg === 'answer does not match its schema')?.issues?.length).toBeGreaterThan(0);
  });

  it('holds a fixed entry to its parameter value alone, and checks nothing when off', async () => {
    answer = { anything: true };
    expect((await call('refuse', '/bi/other')).status).toBe(200);
    logged.length = 0;
    expect((await call('off', '/things/a')).status).toBe(200);
    expect((await call('off', '/bi/ok')).status).toBe(200);
    expect(logged).toEqual([]);
  });
});
