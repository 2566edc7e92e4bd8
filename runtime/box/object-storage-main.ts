// The box's object storage when there is no SeaweedFS: s3rver, an S3-protocol server keeping objects as
// files under <data>/s3. Run as its own process by runtime/box/object-storage.ts, bound to 127.0.0.1
// (the container test's SeaweedFS stand-in binds S3RVER_ADDRESS=0.0.0.0 inside its container).
// @ts-expect-error: s3rver ships no type declarations
import S3rver from 's3rver';
import { readConfig } from '../../shared/config.js';
import { stopOnSignal } from '../../shared/lifecycle.js';
import { writeObjectsWhole } from './s3rver-whole-objects.js';

const {
  S3RVER_DIR: directory,
  S3RVER_PORT: port,
  S3_BUCKET: bucket,
  OLAP_EXPORT_BUCKET: olapBucket,
  S3RVER_ADDRESS: address,
} = readConfig(['S3RVER_DIR', 'S3RVER_PORT', 'S3_BUCKET', 'OLAP_EXPORT_BUCKET', 'S3RVER_ADDRESS'], {
  required: ['S3RVER_DIR', 'S3RVER_PORT'],
});

// Path-style only, as erpbi's client addresses it: with vhostBuckets on, s3rver would read a host
// name such as `seaweedfs` (the container test's stand-in) as a bucket name.
const server = new S3rver({
  address,
  port,
  directory,
  silent: true,
  vhostBuckets: false,
  configureBuckets: [
    { name: bucket, configs: [] },
    // the projector's Parquet exports (olap/export-parquet.ts), a bucket of their own as on the Pi
    { name: olapBucket, configs: [] },
  ],
});
writeObjectsWhole(server.store);
await server.run();
console.log(`object storage (s3rver) on ${address}:${port}, buckets ${bucket} and ${olapBucket}, files in ${directory}`);
// Also when the runtime that started us dies without stopping us (its IPC channel closes).
stopOnSignal([() => server.close()]);
