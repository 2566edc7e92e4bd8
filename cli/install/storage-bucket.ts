import { CreateBucketCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { readConfig } from '../../shared/config.js';
import { storageClient } from '../../shared/documents/storage.js';

// storage-init (a one-shot job of the compose files): the documents' bucket and the OLAP export's
// (OLAP_EXPORT_BUCKET, olap/export-parquet.ts) made with the admin key pair, the one pair allowed to
// (cli/install/seaweedfs-identities.ts), so that no function's pair ever needs to. Run at every start of
// the stack: a bucket already there is success.

/** How many times the SDK sends CreateBucket (its own backoff between): SeaweedFS's S3 port answers before its filer. */
const attempts = 10;

export type BucketOutcome = 'created' | 'already there';

/** Each bucket erpbi uses, by its name, and whether it was made now. */
export async function createBuckets(env: NodeJS.ProcessEnv = process.env): Promise<Record<string, BucketOutcome>> {
  const { client, bucket: documents } = storageClient(env, { maxAttempts: attempts });
  const { OLAP_EXPORT_BUCKET: olap } = readConfig(['OLAP_EXPORT_BUCKET'], { env });
  const out: Record<string, BucketOutcome> = {};
  try {
    for (const bucket of [documents, olap]) out[bucket] = await create(bucket);
    return out;
  } finally {
    client.destroy();
  }

  async function create(bucket: string): Promise<BucketOutcome> {
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      return 'created';
    } catch (err) {
      if (err instanceof S3ServiceException && (err.name === 'BucketAlreadyOwnedByYou' || err.name === 'BucketAlreadyExists')) return 'already there';
      const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new Error(`could not create the bucket ${bucket}: ${reason}`);
    }
  }
}
