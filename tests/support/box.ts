import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from '../../runtime/box/box.js';
import { signToken, type IssuerKeys } from '../../runtime/dev-issuer/issuer.js';
import type { Role } from '../../shared/auth/roles.js';
import { waitFor } from './wait.js';

const root = join(import.meta.dirname, '..', '..');

export interface Box {
  url: string;
  dataDir: string;
  prefix: string;
  stream: string;
  child: ChildProcess;
  output: () => string;
  /** The last lines of each named process's log (data/logs/<name>.log), for a failure message. */
  logTail: (names: string[], lines?: number) => string;
  token: (role: Role, sub?: string) => Promise<string>;
  /** fetch JSON through the gateway: POST when a body is given. */
  api: (
    path: string,
    opts?: { role?: Role; token?: string | null; body?: unknown; headers?: Record<string, string> },
  ) => Promise<{ status: number; body: any }>;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  /** Ctrl-C as a terminal sends it: SIGINT to the box's whole process group (needs `terminal`). */
  ctrlC: () => Promise<number | null>;
  remove: () => void;
}

export interface BoxOptions {
  /** Given: use this Postgres; absent: the box starts its embedded one. */
  databaseUrl?: string;
  /** Given: use this nats-server; absent: the box starts its own. */
  natsUrl?: string;
  dataDir?: string;
  port?: number;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** Started once the box SAYS it is ready ("erpbi is ready in"), not once /healthz answers 200 (what a user reads first). */
  untilReadyLine?: boolean;
  /** Runs the box in a process group of its own, as a terminal runs `npm start`, so ctrlC() reaches every process of it. */
  terminal?: boolean;
}

/** Starts a box as `npm start` does (runtime/box/start.mjs: the runtime from its bundle) as a child process and waits for /healthz. */
export async function startBox(opts: BoxOptions = {}): Promise<Box> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'erpbi-box-'));
  chmodSync(dataDir, 0o755); // the embedded Postgres runs as the postgres user and must reach its data dir
  const port = opts.port ?? (await freePort());
  const id = randomBytes(4).toString('hex');
  const prefix = `e${id}`;
  const stream = `E${id.toUpperCase()}_EVENTS`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ERPBI_DATA: dataDir,
    ERPBI_PORT: String(port),
    EVENTS_PREFIX: prefix,
    EVENTS_STREAM: stream,
    LOG_LEVEL: 'warn',
    // The box's functions hold their answers to their schemas: a mismatch is a 500 the tests see.
    CHECK_ANSWERS: 'refuse',
    ...opts.env,
  };
  delete env.DATABASE_URL;
  delete env.NATS_URL;
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  if (opts.natsUrl) env.NATS_URL = opts.natsUrl;
  const child = spawn(process.execPath, [join(root, 'runtime', 'box', 'start.mjs')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.terminal ?? false,
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = (signal: NodeJS.Signals = 'SIGINT', group = false) =>
    new Promise<number | null>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
      child.once('exit', (code) => done(code));
      if (group) process.kill(-child.pid!, signal);
      else child.kill(signal);
    });
  let lastHealth = '(no answer)'; // /healthz names what it waits for: the first thing to read when a box never gets ready
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`box exited with ${child.exitCode}:\n${out}`);
        if (opts.untilReadyLine) return /erpbi is ready in/.test(out);
        const res = await fetch(`${url}/healthz`).catch(() => undefined);
        if (res) lastHealth = `${res.status} ${await res.text().catch(() => '')}`;
        return res?.status === 200;
      },
      { timeoutMs: opts.readyTimeoutMs ?? 90_000, what: () => `box /healthz 200 (last: ${lastHealth})\n${out}` },
    );
  } catch (err) {
    // A box that did not come up in time is stopped, not left running (no test holds it to stop it later).
    await stop('SIGTERM', opts.terminal ?? false);
    throw err;
  }
  let keys: IssuerKeys | undefined;
  const token = async (role: Role, sub?: string) => {
    keys ??= JSON.parse(readFileSync(join(dataDir, 'issuer', 'keys.json'), 'utf8')) as IssuerKeys;
    return signToken(keys, { issuer: `${url}/issuer`, audience: 'erpbi', sub: sub ?? `e2e-${role}`, roles: [role], ttlSeconds: 3600 });
  };
  const api: Box['api'] = async (path, o = {}) => {
    const t = o.token === undefined ? (o.role ? await token(o.role) : undefined) : o.token;
    const res = await fetch(`${url}${path}`, {
      method: o.body === undefined ? 'GET' : 'POST',
      headers: { ...(t ? { authorization: `Bearer ${t}` } : {}), ...(o.body === undefined ? {} : { 'content-type': 'application/json' }), ...o.headers },
      ...(o.body === undefined ? {} : { body: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) }),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body };
  };
  const ctrlC = () => {
    if (!opts.terminal) throw new Error('ctrlC() needs startBox({ terminal: true })');
    return stop('SIGINT', true);
  };
  const logTail = (names: string[], lines = 30) =>
    names
      .map((name) => {
        const file = join(dataDir, 'logs', `${name}.log`);
        const text = existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '(no log)';
        return `--- ${name}.log ---\n${text}`;
      })
      .join('\n');
  return {
    url,
    dataDir,
    prefix,
    stream,
    child,
    output: () => out,
    logTail,
    token,
    api,
    stop: (signal) => stop(signal),
    ctrlC,
    remove: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}
