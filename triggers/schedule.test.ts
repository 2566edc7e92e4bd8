import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../tests/support/wait.js';
import { invokeScheduled, startSchedules } from './schedule.js';
import { functionUrls } from './function-urls.js';
import { scheduleOf } from '../shared/stack.js';
import { readStack } from '../shared/stack.js';

const log = pino({ level: 'silent' });
const calls: { url: string; auth: string | undefined; body: string }[] = [];
let status = 200;
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    calls.push({ url: req.url ?? '', auth: req.headers.authorization, body });
    res.writeHead(status, { 'content-type': 'application/json' }).end('{"issued":[]}');
  });
});
let gatewayUrl = '';
beforeAll(async () => {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe('scheduled invocations', () => {
  it('stack.yml schedules the daily reminder run on create-invoice, and nothing else', () => {
    const scheduled = readStack(join(import.meta.dirname, '..', 'stack.yml')).filter((f) => f.schedule);
    expect(scheduled.map((f) => [f.name, f.schedule])).toEqual([['create-invoice', { cron: '20 5 * * *', path: '/reminders' }]]);
  });

  it('refuses a schedule without its path, or a cron expression that is not one', () => {
    expect(scheduleOf('f', undefined)).toBeUndefined();
    expect(() => scheduleOf('f', { 'erpbi.schedule': '20 5 * * *' })).toThrow(/go together/);
    expect(() => scheduleOf('f', { 'erpbi.schedule': '61 5 * * *', 'erpbi.schedule-path': '/x' })).toThrow(/not a cron expression/);
  });

  it("POSTs {} with the connector's token to the route, and reports a refusal without throwing", async () => {
    const token = async () => 'tok';
    expect(await invokeScheduled('create-invoice', '/reminders', { urls: functionUrls({ gatewayUrl }), token, log })).toBe(true);
    expect(calls.at(-1)).toEqual({ url: '/function/create-invoice/reminders', auth: 'Bearer tok', body: '{}' });
    status = 503;
    expect(await invokeScheduled('create-invoice', '/reminders', { urls: functionUrls({ gatewayUrl }), token, log })).toBe(false);
    expect(await invokeScheduled('create-invoice', '/reminders', { urls: functionUrls({ gatewayUrl: 'http://127.0.0.1:1' }), token, log })).toBe(false);
  });
});

describe('startSchedules', () => {
  it('runs each schedule once shortly after start, then stops cleanly', async () => {
    status = 200;
    const before = calls.length;
    const stop = startSchedules([{ name: 'create-invoice', schedule: { cron: '20 5 * * *', path: '/reminders' } }, { name: 'query' }], {
      urls: functionUrls({ gatewayUrl }),
      token: async () => 't',
      log,
      startDelayMs: 10,
    });
    await waitFor(async () => calls.length > before, { timeoutMs: 5000, what: 'the run at start' });
    stop();
    expect(calls.slice(before).map((c) => c.url)).toEqual(['/function/create-invoice/reminders']);
  });
});
