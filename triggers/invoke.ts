import http from 'node:http';
import https from 'node:https';

// Function invocations through the gateway, on kept-alive connections. Node's global fetch (undici
// behind WHATWG streams) cost the connector about a third of its CPU per event (bench/ profile);
// a plain http.request does the same work for a fraction of it.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
};
// Called directly (function-urls.ts), a function gets at most as many requests at once as the gateway
// let through to it (its undici pool: 64 connections per function), not a restarted reaction's whole
// backlog (4 consumers x 32 in flight) while it is still starting.
const perFunction = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

export interface Invocation {
  status: number;
  text: string;
}

/** POSTs `body` and reads the answer (at most `maxAnswer` characters kept); rejects on a network error or timeout. */
export function postJson(url: string, headers: Record<string, string>, body: string, timeoutMs: number, maxAnswer = 4096, direct = false): Promise<Invocation> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  const payload = Buffer.from(body);
  return new Promise((resolve, reject) => {
    const req = lib.request(
      u,
      {
        method: 'POST',
        agent: (direct ? perFunction : agents)[u.protocol as keyof typeof agents],
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < maxAnswer) text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: text.slice(0, maxAnswer) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
