import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { AppError } from '../errors.js';
import { rootLogger } from '../log.js';
import { readConfig } from '../config.js';

// Rendered documents in S3-compatible object storage: MinIO on the Pi, the embedded s3rver of
// `npm start`. Path-style addressing, because neither serves virtual-host buckets on a LAN name.

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
  const keys = ['S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;
  const s = readConfig(keys, { env, required: ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] });
  const client = new S3Client({
    endpoint: s.S3_ENDPOINT,
    region: s.S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: s.S3_ACCESS_KEY_ID, secretAccessKey: s.S3_SECRET_ACCESS_KEY },
    // Checksums only where S3 requires them: older MinIO releases and s3rver reject the newer default headers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 2,
    // The SDK waits for ever by default: a hung storage must fail the render (retried), not hold it.
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 15_000 },
  });
  const bucket = s.S3_BUCKET;
  const put = async (key: string, bytes: Uint8Array) => {
    // One deadline for the whole put, the bucket's creation included: the reaction holds its
    // transaction meanwhile and the connector gives up on it after 30 s.
    const abortSignal = AbortSignal.timeout(20_000);
    const send = () => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: 'application/pdf' }), { abortSignal });
    try {
      await send();
    } catch (err) {
      if (!(err instanceof S3ServiceException && err.name === 'NoSuchBucket')) throw unavailable(err);
      // A fresh MinIO has no bucket: the first document creates it.
      await client.send(new CreateBucketCommand({ Bucket: bucket }), { abortSignal }).catch((e: unknown) => {
        if (!(e instanceof S3ServiceException && (e.name === 'BucketAlreadyOwnedByYou' || e.name === 'BucketAlreadyExists'))) throw unavailable(e);
      });
      await send().catch((e: unknown) => {
        throw unavailable(e);
      });
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
    log.warn({ err: err instanceof Error ? `${err.name}: ${err.message}` : String(err), bucket }, 'object storage failed');
    return new AppError('not_ready', 'object storage is unavailable; try again shortly');
  }
}

