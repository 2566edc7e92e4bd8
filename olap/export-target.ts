import { createReadStream, statSync } from 'node:fs';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3ServiceException, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { readConfig } from '../shared/config.js';
import { storageClient } from '../shared/documents/storage.js';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';

// Where the projector's Parquet exports go: a bucket of their own (OLAP_EXPORT_BUCKET, `erpbi-olap`),
// reached with a key pair of their own (S3_KEYS=olap-writer: shared/documents/storage-keys.ts), so the
// projector can touch no PDF and render-document no export. Same endpoint as the documents.

export interface ExportTarget {
  bucket: string;
  /** Puts the file as the object `key`, streamed from disk: a file is never held in memory whole. */
  putFile: (key: string, path: string, contentType: string) => Promise<number>;
  putJson: (key: string, value: unknown) => Promise<void>;
  /** The folders right under `prefix` (ListObjectsV2 with a delimiter). */
  folders: (prefix: string) => Promise<string[]>;
  /** Every key under `prefix`. */
  keys: (prefix: string) => Promise<string[]>;
  remove: (key: string) => Promise<void>;
  /** How many exports to keep (OLAP_EXPORT_KEEP). */
  keep: number;
  close: () => void;
}

/** The export's storage from the settings, or undefined when no object storage is configured (S3_ENDPOINT). */
export function exportTarget(env: NodeJS.ProcessEnv, log?: Logger): ExportTarget | undefined {
  const { S3_ENDPOINT, OLAP_EXPORT_BUCKET: bucket, OLAP_EXPORT_KEEP: keep } = readConfig(['S3_ENDPOINT', 'OLAP_EXPORT_BUCKET', 'OLAP_EXPORT_KEEP'], { env });
  if (!S3_ENDPOINT) return undefined;
  const { client } = storageClient(env, { maxAttempts: 3 });
  const put = async (key: string, body: Omit<PutObjectCommandInput, 'Bucket' | 'Key'>) => {
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, ...body }));
    } catch (err) {
      // The reason goes to the log; the caller learns that storage failed and may try again.
      const missing = err instanceof S3ServiceException && err.name === 'NoSuchBucket' ? ' (no bucket: storage-init creates it)' : '';
      log?.warn({ err: err instanceof Error ? `${err.name}: ${err.message}${missing}` : String(err), bucket, key }, 'export upload failed');
      throw new AppError('not_ready', `object storage refused the export (${key}); try again shortly`);
    }
  };
  const list = async (prefix: string, delimiter?: string) => {
    const pages = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: delimiter, ContinuationToken: token }));
      pages.push(page);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return pages;
  };
  return {
    bucket,
    putFile: async (key, path, contentType) => {
      const bytes = statSync(path).size;
      // ContentLength with a stream: the SDK sends it as it reads, without buffering the file.
      await put(key, { Body: createReadStream(path), ContentLength: bytes, ContentType: contentType });
      return bytes;
    },
    putJson: (key, value) => put(key, { Body: `${JSON.stringify(value, null, 2)}\n`, ContentType: 'application/json' }),
    folders: async (prefix) => (await list(prefix, '/')).flatMap((page) => (page.CommonPrefixes ?? []).map((p) => p.Prefix!)),
    keys: async (prefix) => (await list(prefix)).flatMap((page) => (page.Contents ?? []).map((o) => o.Key!)),
    remove: async (key) => void (await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))),
    keep,
    close: () => client.destroy(),
  };
}
