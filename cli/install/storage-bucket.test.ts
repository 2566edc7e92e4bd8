import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localStorageKeys } from '../../runtime/box/object-storage.js';
import { startTestStorage, type TestStorage } from '../../tests/support/object-storage.js';
import { createDocumentsBucket } from './storage-bucket.js';

// storage-init against a real S3 server (s3rver, the box's own storage): makes the bucket once, finds
// it there every later start, and fails naming the bucket when the keys are refused.

let storage: TestStorage;
beforeAll(async () => {
  storage = await startTestStorage();
});
afterAll(() => storage.remove());

const exists = async (bucket: string) => {
  const client = new S3Client({ endpoint: storage.url, region: 'us-east-1', forcePathStyle: true, credentials: localStorageKeys });
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
};

describe('createDocumentsBucket', () => {
  it('creates the bucket, then finds it already there', async () => {
    const env = { ...storage.env, S3_BUCKET: 'fresh-documents' };
    expect(await exists('fresh-documents')).toBe(false);
    expect(await createDocumentsBucket(env)).toBe('created');
    expect(await exists('fresh-documents')).toBe(true);
    expect(await createDocumentsBucket(env)).toBe('already there');
  });

  it('fails naming the bucket when the keys are refused, and makes nothing', async () => {
    const env = { ...storage.env, S3_BUCKET: 'refused-documents', S3_ACCESS_KEY_ID: 'NOT-S3RVER' };
    await expect(createDocumentsBucket(env)).rejects.toThrow(/could not create the bucket refused-documents: InvalidAccessKeyId/);
    expect(await exists('refused-documents')).toBe(false);
  });

  it('as `erpbi install storage-bucket`, with its settings from the environment', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/erpbi.mjs', 'install', 'storage-bucket'], {
      env: { ...process.env, ...storage.env, S3_BUCKET: 'cli-documents' },
    });
    expect(stdout).toBe("the documents' bucket: created\n");
    expect(await exists('cli-documents')).toBe(true);
  });
});
