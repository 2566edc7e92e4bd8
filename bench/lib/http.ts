import http from 'node:http';

// A small keep-alive JSON client. Requests beyond `maxSockets` wait in the agent's queue, and that
// wait counts in the latency: every latency is measured from the moment the request was due.
export interface Reply {
  status: number;
  body: any;
}

export class Client {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, maxSockets = 256) {
    const u = new URL(baseUrl);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 10_000 });
  }

  request(method: 'GET' | 'POST', path: string, token: string, body?: unknown, timeoutMs = 30_000, extra: Record<string, string> = {}): Promise<Reply> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve) => {
      const req = http.request(
        {
          host: this.host,
          port: this.port,
          method,
          path,
          agent: this.agent,
          timeout: timeoutMs,
          headers: {
            authorization: `Bearer ${token}`,
            ...extra,
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // keep the text
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', (e) => resolve({ status: 0, body: e.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve({ status: 0, body: e.message }));
      req.end(payload);
    });
  }

  get(path: string, token: string, timeoutMs?: number, headers?: Record<string, string>) {
    return this.request('GET', path, token, undefined, timeoutMs, headers);
  }

  post(path: string, token: string, body: unknown, timeoutMs?: number) {
    return this.request('POST', path, token, body, timeoutMs);
  }

  close(): void {
    this.agent.destroy();
  }
}
