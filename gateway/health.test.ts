import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answersHealth, watchHealth } from './health.js';

// A port the supervisor or the gateway probes may be answered by another process than the one started
// there (a port reused after a restart, another box's process): healthy means the expected one answered.
const servers: Server[] = [];
const serve = (body: string) =>
  new Promise<string>((ok) => {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    servers.push(server);
    server.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(server.address() as { port: number }).port}`));
  });

let query: string;
let plain: string;
beforeAll(async () => {
  query = await serve(JSON.stringify({ status: 'ok', function: 'query' }));
  plain = await serve('OK'); // of-watchdog's own /_/health answer, on the Pi
});
afterAll(() => servers.forEach((s) => s.close()));

describe('the health probe', () => {
  it('is healthy only when the expected function answers', async () => {
    expect(await answersHealth(query, 1000, 'query')).toBe(true);
    expect(await answersHealth(query, 1000, 'create-order')).toBe(false);
    expect(await answersHealth(plain, 1000, 'query')).toBe(false);
  });

  it('names a target answered by another function as waiting', async () => {
    const health = await watchHealth({ query, 'create-order': query }, { everyMs: 60_000, timeoutMs: 1000, byName: true });
    health.stop();
    expect(health.waiting()).toEqual(['create-order']);
  });

  it('takes any 2xx when asked not to check names (behind of-watchdog, which answers /_/health itself)', async () => {
    expect(await answersHealth(plain, 1000)).toBe(true);
    const health = await watchHealth({ query: plain }, { everyMs: 60_000, timeoutMs: 1000, byName: false });
    health.stop();
    expect(health.waiting()).toEqual([]);
  });

  it('keeps a target that answered healthy through two slow answers, not three; a moved one waits until it answers', async () => {
    let stalled = false;
    const flaky = createServer((_req, res) => {
      if (!stalled) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', function: 'query' }));
    });
    servers.push(flaky);
    const url = await new Promise<string>((ok) => flaky.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(flaky.address() as { port: number }).port}`)));
    let where = url;
    const health = await watchHealth(() => ({ query: where }), { everyMs: 60_000, timeoutMs: 200, byName: true });
    health.stop();
    expect(health.waiting()).toEqual([]);
    stalled = true;
    await health.probe();
    await health.probe();
    expect(health.waiting(), 'two misses').toEqual([]);
    await health.probe();
    expect(health.waiting(), 'three misses').toEqual(['query']);
    stalled = false;
    await health.probe();
    expect(health.waiting()).toEqual([]);
    where = plain; // restarted elsewhere: another process answers there
    expect(health.waiting(), 'moved, not yet probed').toEqual(['query']);
    await health.probe();
    expect(health.waiting()).toEqual(['query']);
    flaky.closeAllConnections();
  });

  it('probes a healthy target at its slower pace and a waiting one at every tick', async () => {
    const asked = { fine: 0, wrong: 0 };
    const counting = (name: keyof typeof asked, answer: string) => {
      const server = createServer((_req, res) => {
        asked[name] += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', function: answer }));
      });
      servers.push(server);
      return new Promise<string>((ok) => server.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
    };
    const targets = { fine: await counting('fine', 'fine'), wrong: await counting('wrong', 'another') };
    const health = await watchHealth(targets, { everyMs: 50, healthyEveryMs: 60_000, timeoutMs: 1000, byName: true });
    await new Promise((r) => setTimeout(r, 600));
    health.stop();
    expect(health.waiting()).toEqual(['wrong']);
    expect(asked.fine, 'the healthy one: only the first probe').toBe(1);
    expect(asked.wrong, 'the waiting one: probed on the ticks').toBeGreaterThanOrEqual(4);
  });
});
