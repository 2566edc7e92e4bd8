import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { natsCredentials, readConfig } from '../../shared/config.js';
import type { NatsCredentials } from '../../shared/events/bus.js';
import type { NatsUser } from '../../shared/events/nats-users.js';
import type { DatabaseRole } from './postgres.js';
import { readSuperuserPassword } from './postgres-superuser.js';

// One box = one data dir. Its settings (chosen once, then reused) live in box.json beside the data.
export interface BoxFile {
  pgPort?: number;
  natsPort?: number;
  /** NATS_CLUSTER_SIZE > 1: every server's client port (natsPort is the first) and route port, and the routes' password (runtime/box/nats-cluster.ts). */
  natsPorts?: number[];
  natsRoutePorts?: number[];
  natsRoutePassword?: string;
  s3Port?: number;
  clientSecret: string;
  /** The box's own nats-server's users' passwords (runtime/box/nats.ts); absent when NATS_URL names a server. */
  natsPasswords?: Record<NatsUser, string>;
  /** The embedded Postgres's roles' passwords, erpbi_owner, erpbi_app, erpbi_reader (runtime/box/postgres.ts); absent when DATABASE_URL names a server. */
  pgPasswords?: Record<DatabaseRole, string>;
  issuer?: string;
  gatewayUrl?: string;
}

export function dataDir(): string {
  return resolve(readConfig(['ERPBI_DATA']).ERPBI_DATA);
}

export function gatewayPort(): number {
  return readConfig(['ERPBI_PORT']).ERPBI_PORT;
}

/** NATS_URL when set, else the nats-server(s) of the box in `box` (npm start), else none: for the CLI. */
export function natsUrlOf(box: BoxFile): string | undefined {
  const own = box.natsPorts?.length ? box.natsPorts : box.natsPort ? [box.natsPort] : [];
  return readConfig(['NATS_URL']).NATS_URL ?? (own.length ? own.map((p) => `nats://127.0.0.1:${p}`).join(',') : undefined);
}

/** Who the CLI signs in as: NATS_USER (and its password) with NATS_URL, else the box's operator. */
export function natsCredentialsOf(box: BoxFile): NatsCredentials | undefined {
  const c = readConfig(['NATS_URL', 'NATS_USER', 'NATS_PASSWORD']);
  if (c.NATS_URL) return natsCredentials(c);
  return box.natsPasswords ? { user: 'operator', password: box.natsPasswords.operator } : undefined;
}

/** The URL of the box's embedded Postgres as erpbi_<role>, once `npm start` has made the roles. */
export function boxDatabaseUrl(box: BoxFile, role: DatabaseRole): string | undefined {
  return box.pgPort && box.pgPasswords ? `postgres://erpbi_${role}:${box.pgPasswords[role]}@127.0.0.1:${box.pgPort}/erpbi` : undefined;
}

/** The URL of the box's embedded Postgres as its superuser, once `npm start` has made its password (postgres-superuser.ts). */
export function boxSuperuserUrl(box: BoxFile, dir = dataDir()): string | undefined {
  const password = box.pgPort ? readSuperuserPassword(dir) : undefined;
  return password ? `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${box.pgPort}/erpbi` : undefined;
}

export function readBox(dir = dataDir()): BoxFile {
  const file = join(dir, 'box.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as BoxFile;
  return { clientSecret: randomBytes(24).toString('base64url') };
}

export function writeBox(box: BoxFile, dir = dataDir()): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'box.json'), JSON.stringify(box, null, 2) + '\n', { mode: 0o600 });
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const srv = createServer();
    srv.once('error', () => ok(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => ok(true)));
  });
}

/** The range the kernel picks outgoing connections' local ports from (Linux; elsewhere the IANA range). */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high) return [low, high];
  } catch {
    // not Linux
  }
  return [49152, 65535];
}

/**
 * A free port to listen on later, from below the ephemeral range. A port the kernel handed out by
 * listen(0) is in that range, so between our closing it and the real listener binding it, any process's
 * outgoing connection (a pool opening to Postgres, say) may take it as its local port and hold it for
 * as long as it lives: the listener then fails with EADDRINUSE on every restart (seen in CI, a box's
 * gateway). Ports below the range are only ever taken by listeners, which isPortFree sees.
 */
export async function freePort(): Promise<number> {
  const [low] = ephemeralRange();
  const floor = 10_000;
  if (low - floor >= 1000) {
    for (let i = 0; i < 50; i++) {
      const port = floor + Math.floor(Math.random() * (low - floor));
      if (await isPortFree(port)) return port;
    }
  }
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

/** The port kept in box.json if it is still free, else a new free one. */
export async function stickyPort(kept: number | undefined): Promise<number> {
  if (kept && (await isPortFree(kept))) return kept;
  return freePort();
}
