import { CreateBucketCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { storageClient } from '../../shared/documents/storage.js';

// storage-init (a one-shot job of the compose files): the documents' bucket made with the admin key
// pair, the one pair allowed to (cli/install/seaweedfs-identities.ts), so that render-document's
// writer pair never needs to. Run at every start of the stack: a bucket already there is success.

/** How many times the SDK sends CreateBucket (its own backoff between): SeaweedFS's S3 port answers before its filer. */
const attempts = 10;

export async function createDocumentsBucket(env: NodeJS.ProcessEnv = process.env): Promise<'created' | 'already there'> {
  const { client, bucket } = storageClient(env, { maxAttempts: attempts });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    return 'created';
  } catch (err) {
    if (err instanceof S3ServiceException && (err.name === 'BucketAlreadyOwnedByYou' || err.name === 'BucketAlreadyExists')) return 'already there';
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new Error(`could not create the bucket ${bucket}: ${reason}`);
  } finally {
    client.destroy();
  }
}
