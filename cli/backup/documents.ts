import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { readConfig } from '../../shared/config.js';

// The stored documents (invoice and credit-note PDFs) as the backup reads them and a restore writes
// them back: every object of the bucket, through the S3 API only, so that SeaweedFS on the Pi and
// s3rver on a box of `npm start` are the same to it. The backup reads with the reader's keys, a
// restore writes with the writer's (docs/deploy-pi.md's secrets); neither needs the admin pair.

/** Where the documents are, and the key pair to use there (the reader's to back up, the writer's to restore). */
export interface S3Target {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The S3 settings of the environment (S3_ENDPOINT, S3_BUCKET, S3_REGION and the key pair), or none when S3_ENDPOINT is unset. */
export function s3TargetFromEnv(env: NodeJS.ProcessEnv = process.env): S3Target | undefined {
  const s = readConfig(['S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'], { env });
  if (!s.S3_ENDPOINT) return undefined;
  if (!s.S3_ACCESS_KEY_ID || !s.S3_SECRET_ACCESS_KEY)
    throw new Error(
      'erpbi: bad configuration: S3_ENDPOINT is set, so S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required (the reader keys to back up, the writer keys to restore)',
    );
  return { endpoint: s.S3_ENDPOINT, region: s.S3_REGION, bucket: s.S3_BUCKET, accessKeyId: s.S3_ACCESS_KEY_ID, secretAccessKey: s.S3_SECRET_ACCESS_KEY };
}

/** A client as shared/documents/storage.ts makes one: path-style, checksums only where S3 requires them, deadlines. */
export function s3Client(t: S3Target): S3Client {
  return new S3Client({
    endpoint: t.endpoint,
    region: t.region,
    forcePathStyle: true,
    credentials: { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
  });
}

export interface StoredObject {
  key: string;
  bytes: number;
}

/** Every object of the bucket, in key order (S3 lists them so); none when the bucket does not exist yet (no document was ever stored). */
export async function listDocuments(client: S3Client, bucket: string): Promise<StoredObject[] | 'no bucket'> {
  const out: StoredObject[] = [];
  try {
    for await (const page of paginateListObjectsV2({ client, pageSize: 1000 }, { Bucket: bucket })) {
      for (const o of page.Contents ?? []) if (o.Key !== undefined) out.push({ key: o.Key, bytes: o.Size ?? 0 });
    }
  } catch (err) {
    if (err instanceof S3ServiceException && err.name === 'NoSuchBucket') return 'no bucket';
    throw new Error(`cannot list the documents in bucket ${bucket}: ${describe(err)}`);
  }
  return out;
}

/** The object's bytes as a stream, and its content type. */
export async function readDocument(client: S3Client, bucket: string, key: string): Promise<{ body: Readable; contentType: string | null }> {
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!res.Body) throw new Error('no body');
    return { body: res.Body as Readable, contentType: res.ContentType ?? null };
  } catch (err) {
    throw new Error(`cannot read document ${JSON.stringify(key)} of bucket ${bucket}: ${describe(err)}`);
  }
}

/** Writes the object; a bucket that is missing is an error that says who makes it (the installer, with the admin keys). */
export async function writeDocument(client: S3Client, bucket: string, key: string, bytes: Buffer, contentType: string | null): Promise<void> {
  try {
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentLength: bytes.length, ...(contentType ? { ContentType: contentType } : {}) }),
    );
  } catch (err) {
    if (err instanceof S3ServiceException && err.name === 'NoSuchBucket')
      throw new Error(`bucket ${bucket} does not exist on the target: the installer creates it (the admin keys); then restore again`);
    throw new Error(`cannot write document ${JSON.stringify(key)} into bucket ${bucket}: ${describe(err)}`);
  }
}

/** Makes the bucket (tests and a box of `npm start`, whose s3rver has one key pair for everything). */
export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((err: unknown) => {
    if (!(err instanceof S3ServiceException && (err.name === 'BucketAlreadyOwnedByYou' || err.name === 'BucketAlreadyExists'))) throw err;
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
