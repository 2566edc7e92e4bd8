import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localStorageKeys } from '../../runtime/box/object-storage.js';
import { startTestStorage, type TestStorage } from '../../tests/support/object-storage.js';
import { createBuckets } from './storage-bucket.js';

// storage-init against a real S3 server (s3rver, the box's own storage): makes the documents' and the
// OLAP export's buckets once, finds them there every later start, and fails naming the bucket when the
// keys are refused.

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

describe('createBuckets', () => {
  it('creates both buckets, then finds them already there', async () => {
    const env = { ...storage.env, S3_BUCKET: 'fresh-documents', OLAP_EXPORT_BUCKET: 'fresh-olap' };
    expect(await exists('fresh-documents')).toBe(false);
    expect(await exists('fresh-olap')).toBe(false);
    expect(await createBuckets(env)).toEqual({ 'fresh-documents': 'created', 'fresh-olap': 'created' });
    expect(await exists('fresh-documents')).toBe(true);
    expect(await exists('fresh-olap')).toBe(true);
    expect(await createBuckets(env)).toEqual({ 'fresh-documents': 'already there', 'fresh-olap': 'already there' });
  });

  it('fails naming the bucket when the keys are refused, and makes nothing', async () => {
    const env = { ...storage.env, S3_BUCKET: 'refused-documents', S3_ACCESS_KEY_ID: 'NOT-S3RVER' };
    await expect(createBuckets(env)).rejects.toThrow(/could not create the bucket refused-documents: InvalidAccessKeyId/);
    expect(await exists('refused-documents')).toBe(false);
  });

  it('as `erpbi install storage-bucket`, with its settings from the environment', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/erpbi.mjs', 'install', 'storage-bucket'], {
      env: { ...process.env, ...storage.env, S3_BUCKET: 'cli-documents', OLAP_EXPORT_BUCKET: 'cli-olap' },
    });
    expect(stdout).toBe('the bucket cli-documents: created\nthe bucket cli-olap: created\n');
    expect(await exists('cli-documents')).toBe(true);
    expect(await exists('cli-olap')).toBe(true);
  });
});
