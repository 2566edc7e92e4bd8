import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
// @ts-expect-error: s3rver ships no type declarations
import S3rver from 's3rver';
import { documentsBucket, localStorageKeys } from '../../runtime/object-storage.js';
import { freePort } from '../../runtime/box.js';

/** A real S3-protocol server (s3rver, file-backed) for one test file, that can be stopped and started again on the same port and files. */
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
  const directory = mkdtempSync(join(tmpdir(), 'erpbi-s3-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let server: { run: () => Promise<unknown>; close: () => Promise<void> } | undefined;
  const start = async () => {
    server = new S3rver({ address: '127.0.0.1', port, directory, silent: true, vhostBuckets: false, configureBuckets: [{ name: documentsBucket, configs: [] }] });
    await server!.run();
  };
  const stop = async () => {
    await server?.close();
    server = undefined;
  };
  await start();
  const client = new S3Client({ endpoint: url, region: 'us-east-1', forcePathStyle: true, credentials: localStorageKeys });
  return {
    url,
    env: { S3_ENDPOINT: url, S3_BUCKET: documentsBucket, S3_ACCESS_KEY_ID: localStorageKeys.accessKeyId, S3_SECRET_ACCESS_KEY: localStorageKeys.secretAccessKey },
    keys: async (prefix) => ((await client.send(new ListObjectsV2Command({ Bucket: documentsBucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!),
    stop,
    start,
    remove: async () => {
      await stop();
      client.destroy();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
