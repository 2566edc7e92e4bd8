import { spawn } from 'node:child_process';
import { childNodeFlags } from './node-flags.js';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Service } from './keep-alive.js';
import { childService, waitUntilUp } from './child-service.js';

// s3rver's fixed key pair: it accepts no other. The server listens on 127.0.0.1 only.
export const localStorageKeys = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
export const documentsBucket = 'erpbi-documents';

/**
 * The box's own S3-protocol storage (s3rver) with its files in <data>/s3, as a child process. `bundle`: its
 * build (build/box/object-storage.js, esbuild.config.mjs), as `npm start` runs it once it has built: no
 * TypeScript compiler held in its memory (tsx, measured: 57 MB PSS idle). Without it (the tests' storage,
 * tests/support/object-storage.ts, which build nothing) the source runs through tsx.
 */
export async function startObjectStorage(dir: string, port: number, bundle?: string): Promise<Service> {
  const directory = join(dir, 's3');
  mkdirSync(directory, { recursive: true });
  const log = createWriteStream(join(dir, 'logs', 'object-storage.log'), { flags: 'a' });
  const entry = bundle ? [bundle] : ['--import', import.meta.resolve('tsx'), join(import.meta.dirname, 'object-storage-main.ts')];
  const child = spawn(process.execPath, [...childNodeFlags, ...entry], {
    env: { ...process.env, S3RVER_DIR: directory, S3RVER_PORT: String(port), S3_BUCKET: documentsBucket },
    // The IPC channel carries nothing: it closes when the runtime dies, and s3rver then ends (shared/lifecycle.ts).
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  // Up when it answers HTTP at all (an unsigned request is refused, which is an answer).
  const up = () =>
    fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      () => true,
      () => false,
    );
  await waitUntilUp(child, up, 'object storage', join(dir, 'logs', 'object-storage.log'));
  return childService(child, url);
}
