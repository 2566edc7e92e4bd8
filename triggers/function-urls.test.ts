import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePortsFile } from '../runtime/box/ports-file.js';
import { waitFor } from '../tests/support/wait.js';
import { functionUrls, parseTemplate, withFallback } from './function-urls.js';
import { postJson } from './invoke.js';

// Two real HTTP servers: one stands for the gateway, one for a function; each records what reached it.
const seen: { server: string; url: string; auth: string | undefined }[] = [];
const serve = (server: string) =>
  http.createServer((req, res) => {
    req.resume().on('end', () => {
      seen.push({ server, url: req.url ?? '', auth: req.headers.authorization });
      res.writeHead(server === 'function' && req.url === '/fail' ? 500 : 200).end(server);
    });
  });
const gateway = serve('gateway');
const fn = serve('function');
const portOf = (s: http.Server) => (s.address() as AddressInfo).port;
let gatewayUrl = '';
let dir = '';
beforeAll(async () => {
  for (const s of [gateway, fn]) await new Promise<void>((done) => s.listen(0, '127.0.0.1', done));
  gatewayUrl = `http://127.0.0.1:${portOf(gateway)}`;
  dir = mkdtempSync(join(tmpdir(), 'erpbi-urls-'));
});
afterAll(async () => {
  for (const s of [gateway, fn]) await new Promise<void>((done) => s.close(() => done()));
  rmSync(dir, { recursive: true, force: true });
});

// A port nothing listens on: a server opened and closed again.
async function deadPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((done) => s.listen(0, '127.0.0.1', done));
  const port = portOf(s);
  await new Promise<void>((done) => s.close(() => done()));
  return port;
}

describe('where the connector calls a function', () => {
  it('reads a template of names and bases, * for the rest, and refuses what is not one', () => {
    const bases = parseTemplate('project-to-olap=http://project-to-olap:3000, *=http://{name}:8080/');
    expect([...bases]).toEqual([
      ['project-to-olap', 'http://project-to-olap:3000'],
      ['*', 'http://{name}:8080'],
    ]);
    for (const bad of ['http://{name}:8080', '*=', '*=ftp://x:21', 'a=not a url']) expect(() => parseTemplate(bad), bad).toThrow(/FUNCTIONS_URL/);
  });

  it('goes direct where the template says, through the gateway otherwise', () => {
    const only = functionUrls({ gatewayUrl: 'http://traefik:8000', template: 'project-to-olap=http://project-to-olap:3000' });
    expect(only.url('project-to-olap', '/batch')).toEqual({ url: 'http://project-to-olap:3000/batch', direct: true });
    expect(only.url('reserve-stock', '/')).toEqual({ url: 'http://traefik:8000/function/reserve-stock', direct: false });
    expect(only.url('create-invoice', '/reminders')).toEqual({ url: 'http://traefik:8000/function/create-invoice/reminders', direct: false });
    const all = functionUrls({ gatewayUrl: 'http://traefik:8000', template: 'project-to-olap=http://project-to-olap:3000,*=http://{name}:8080' });
    expect(all.url('reserve-stock', '/').url).toBe('http://reserve-stock:8080/');
    expect(all.url('project-to-olap', '/batch').url).toBe('http://project-to-olap:3000/batch');
    expect(all.url('reserve-stock', '/', true).url).toBe('http://traefik:8000/function/reserve-stock');
    expect(functionUrls({ gatewayUrl }).url('reserve-stock', '/').direct).toBe(false);
  });

  it("follows the box's ports file: a restarted function's new port, and the gateway while it has none", async () => {
    const file = join(dir, 'ports.json');
    writePortsFile(file, { 'reserve-stock': 4001 });
    const urls = functionUrls({ gatewayUrl, portsFile: file });
    try {
      expect(urls.url('reserve-stock', '/')).toEqual({ url: 'http://127.0.0.1:4001/', direct: true });
      writePortsFile(file, {}); // died: out of the file until its restart reports a port
      await waitFor(async () => !urls.url('reserve-stock', '/').direct, { what: 'the gateway while it restarts' });
      writePortsFile(file, { 'reserve-stock': 4002 });
      await waitFor(async () => urls.url('reserve-stock', '/').url === 'http://127.0.0.1:4002/', { what: 'the new port' });
    } finally {
      urls.stop();
    }
  });

  it('sends the token to the function itself, and falls back to the gateway only when the connection is refused', async () => {
    const file = join(dir, 'fallback.json');
    const post = (url: string) => postJson(url, { authorization: 'Bearer tok' }, '{}', 5000);
    writePortsFile(file, { 'reserve-stock': portOf(fn) });
    const urls = functionUrls({ gatewayUrl, portsFile: file });
    try {
      seen.length = 0;
      expect((await withFallback(urls, 'reserve-stock', '/', post)).text).toBe('function');
      expect(seen).toEqual([{ server: 'function', url: '/', auth: 'Bearer tok' }]);
      // An answer, even a 500, is the function's: the retry policy decides, not a second call elsewhere.
      expect((await withFallback(urls, 'reserve-stock', '/fail', post)).status).toBe(500);
      expect(seen.map((s) => s.server)).toEqual(['function', 'function']);
      // Nothing listens at the port the file names (a process just died): the same call through the gateway.
      writePortsFile(file, { 'reserve-stock': await deadPort() });
      await waitFor(async () => urls.url('reserve-stock', '/').url !== `http://127.0.0.1:${portOf(fn)}/`, { what: 'the dead port read' });
      seen.length = 0;
      expect((await withFallback(urls, 'reserve-stock', '/', post)).text).toBe('gateway');
      expect(seen).toEqual([{ server: 'gateway', url: '/function/reserve-stock', auth: 'Bearer tok' }]);
    } finally {
      urls.stop();
    }
  });
});
