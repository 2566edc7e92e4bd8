import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { readConfig } from '../shared/config.js';

// One box = one data dir. Its settings (chosen once, then reused) live in box.json beside the data.
export interface BoxFile {
  pgPort?: number;
  natsPort?: number;
  s3Port?: number;
  clientSecret: string;
  issuer?: string;
  gatewayUrl?: string;
}

export function dataDir(): string {
  return resolve(readConfig(['ERPBI_DATA']).ERPBI_DATA);
}

export function gatewayPort(): number {
  return readConfig(['ERPBI_PORT']).ERPBI_PORT;
}

/** NATS_URL when set, else the nats-server of the box in `box` (npm start), else none: for the CLI. */
export function natsUrlOf(box: BoxFile): string | undefined {
  return readConfig(['NATS_URL']).NATS_URL ?? (box.natsPort ? `nats://127.0.0.1:${box.natsPort}` : undefined);
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

export function freePort(): Promise<number> {
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
