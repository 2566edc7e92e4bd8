import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { AppError } from '../errors.js';
import { rootLogger } from '../log.js';
import { readConfig } from '../config.js';

// Rendered documents in S3-compatible object storage: SeaweedFS on the Pi (docs/object-storage.md),
// the embedded s3rver of `npm start`. Path-style addressing, because neither serves virtual-host
// buckets on a LAN name. The bucket is made before any document: by storage-init with the admin
// key pair on the Pi (the writer's pair may not create buckets), by s3rver itself on a box.

export interface DocumentStore {
  bucket: string;
  /** Writes the object; the same key written again replaces it with the same bytes (deterministic rendering). */
  put: (key: string, bytes: Uint8Array) => Promise<void>;
  /** The object's bytes, or undefined when there is no such object. */
  get: (key: string) => Promise<Uint8Array | undefined>;
}

let shared: DocumentStore | undefined;

/** The store of this process, configured from the environment on first use. */
export function documentStore(env: NodeJS.ProcessEnv = process.env): DocumentStore {
  if (shared) return shared;
  const log = rootLogger.child({ component: 'object-storage' });
  const { client, bucket } = storageClient(env, { maxAttempts: 2 });
  const put = async (key: string, bytes: Uint8Array) => {
    // The reaction holds its transaction meanwhile and the connector gives up on it after 30 s.
    const abortSignal = AbortSignal.timeout(20_000);
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: 'application/pdf' }), { abortSignal });
    } catch (err) {
      throw unavailable(err);
    }
  };
  const get = async (key: string) => {
    try {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: AbortSignal.timeout(15_000) });
      return res.Body ? await res.Body.transformToByteArray() : undefined;
    } catch (err) {
      if (err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.name === 'NoSuchBucket')) return undefined;
      throw unavailable(err);
    }
  };
  shared = { bucket, put, get };
  return shared;

  // Storage that cannot be reached is a 503 for the caller (the connector retries a reaction that gets
  // one); the reason goes to the log, not to the caller.
  function unavailable(err: unknown): AppError {
    // NoSuchBucket on a put: storage-init has not made the bucket (yet); the log says so to whoever looks
    const missing = err instanceof S3ServiceException && err.name === 'NoSuchBucket' ? ' (no bucket: storage-init creates it)' : '';
    log.warn({ err: err instanceof Error ? `${err.name}: ${err.message}${missing}` : String(err), bucket }, 'object storage failed');
    return new AppError('not_ready', 'object storage is unavailable; try again shortly');
  }
}

/**
 * An S3 client for the documents' bucket, from the settings (S3_ENDPOINT, S3_REGION, S3_BUCKET and the
 * key pair S3_KEYS names, shared/config.ts). `maxAttempts`: the SDK's own retries, with its backoff.
 */
export function storageClient(env: NodeJS.ProcessEnv, opts: { maxAttempts: number }): { client: S3Client; bucket: string } {
  const keys = ['S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_KEYS', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;
  const s = readConfig(keys, { env, required: ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] });
  const client = new S3Client({
    endpoint: s.S3_ENDPOINT,
    region: s.S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: s.S3_ACCESS_KEY_ID, secretAccessKey: s.S3_SECRET_ACCESS_KEY },
    // Checksums only where S3 requires them: s3rver rejects the SDK's newer default headers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: opts.maxAttempts,
    // The SDK waits for ever by default: a hung storage must fail the request, not hold it.
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 15_000 },
  });
  return { client, bucket: s.S3_BUCKET };
}
