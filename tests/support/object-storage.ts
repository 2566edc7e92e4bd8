import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { documentsBucket, localStorageKeys, startObjectStorage } from '../../runtime/box/object-storage.js';
import type { Service } from '../../runtime/box/keep-alive.js';
import { freePort } from '../../runtime/box/box.js';

/**
 * The box's own S3-protocol storage (runtime/box/object-storage.ts: s3rver, file-backed) for one test file,
 * that can be stopped and started again on the same port and files.
 */
export interface TestStorage {
  url: string;
  /** The settings a function reads (shared/documents/storage.ts). */
  env: Record<string, string>;
  keys: (prefix: string) => Promise<string[]>;
  stop: () => Promise<void>;
  start: () => Promise<void>;
  remove: () => Promise<void>;
}

export async function startTestStorage(): Promise<TestStorage> {
  const dir = mkdtempSync(join(tmpdir(), 'erpbi-s3-'));
  mkdirSync(join(dir, 'logs'));
  const port = await freePort();
  let running: Service | undefined;
  const start = async () => {
    running = await startObjectStorage(dir, port);
  };
  const stop = async () => {
    await running?.stop();
    running = undefined;
  };
  await start();
  const url = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint: url, region: 'us-east-1', forcePathStyle: true, credentials: localStorageKeys });
  return {
    url,
    env: {
      S3_ENDPOINT: url,
      S3_BUCKET: documentsBucket,
      S3_ACCESS_KEY_ID: localStorageKeys.accessKeyId,
      S3_SECRET_ACCESS_KEY: localStorageKeys.secretAccessKey,
    },
    keys: async (prefix) => ((await client.send(new ListObjectsV2Command({ Bucket: documentsBucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!),
    stop,
    start,
    remove: async () => {
      await stop();
      client.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
