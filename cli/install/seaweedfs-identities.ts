import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { settings } from '../../shared/config.js';
import { storageKeySecrets, storageKeyUses, type StorageKeyUse } from '../../shared/documents/storage-keys.js';

// SeaweedFS's S3 gateway reads its users from a static JSON file (`weed server -s3.config=FILE`): each
// identity a name, its key pairs, and the actions it may take. An action is global ("Read") or bound
// to a bucket ("Read:erpbi-documents"); "Admin" alone would be every bucket's everything, so no
// identity here gets an unbound action. Two buckets: the documents' and the OLAP export's (a bucket
// rather than a prefix of the documents' one, so the backup's reader never copies exports and an
// engine reading the exports can reach no PDF). What each S3 request needs is set by SeaweedFS's router
// (weed/s3api/s3api_server.go): PutObject and DeleteObject need Write, GetObject and HeadBucket
// Read, ListObjects List, CreateBucket Admin. Delete cannot be told apart from put there: the writer
// may delete what it may overwrite anyway; it cannot list the bucket or create or remove one.

export interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SeaweedfsIdentity {
  name: string;
  credentials: { accessKey: string; secretKey: string }[];
  actions: string[];
}

export interface SeaweedfsS3Config {
  identities: SeaweedfsIdentity[];
}

/** The file the gateway is started with (`-s3.config=/run/secrets/seaweedfs-s3.json`). */
export const seaweedfsConfigFile = 'seaweedfs-s3.json';

/** The two buckets: the documents' (S3_BUCKET) and the OLAP export's (OLAP_EXPORT_BUCKET). */
export interface Buckets {
  documents: string;
  olap: string;
}

/** What each use may do in its bucket, and nothing outside it. */
export function storageActions(use: StorageKeyUse, buckets: Buckets): string[] {
  const { documents, olap } = buckets;
  switch (use) {
    case 'writer':
      // render-document puts PDFs (restore puts them back) and reads its own back to e-mail them
      // (shared/billing/deliveries.ts): no listing, no bucket administration
      return [`Write:${documents}`, `Read:${documents}`];
    case 'reader':
      return [`Read:${documents}`, `List:${documents}`]; // query serves a PDF; the backup lists and copies them all.
    case 'admin':
      // storage-init creates the two buckets (CreateBucket needs Admin); nothing else uses it.
      return [`Admin:${documents}`, `Admin:${olap}`];
    case 'olap-writer':
      // the projector puts its exports, and lists them to remove those beyond OLAP_EXPORT_KEEP; it reads none back
      return [`Write:${olap}`, `List:${olap}`];
    case 'olap-reader':
      return [`Read:${olap}`, `List:${olap}`]; // an engine elsewhere reads latest.json, the manifests and the files
  }
}

/** A key made of anything but visible ASCII would not survive a copy into a header or a config file. */
const keyText = /^[\x21-\x7e]+$/;

/**
 * SeaweedFS's identities for the key pairs: one identity per use (`erpbi-writer`, ...), each bound to
 * its bucket. Throws naming the use and key that is empty, not plain text, or shared with another use
 * (SeaweedFS would then take one identity for both, and one of them would get the other's rights).
 */
export function seaweedfsIdentities(keys: Record<StorageKeyUse, KeyPair>, buckets: Buckets = defaultBuckets()): SeaweedfsS3Config {
  settings.shape.S3_BUCKET.parse(buckets.documents);
  settings.shape.OLAP_EXPORT_BUCKET.parse(buckets.olap);
  if (buckets.documents === buckets.olap) throw new Error(`the documents and the OLAP export need buckets of their own (both are ${buckets.olap})`);
  const seen = new Map<string, StorageKeyUse>();
  for (const use of storageKeyUses) {
    const pair = keys[use];
    const secrets = storageKeySecrets(use);
    for (const [field, name] of [
      ['accessKeyId', secrets.accessKeyId],
      ['secretAccessKey', secrets.secretAccessKey],
    ] as const) {
      if (!pair?.[field]) throw new Error(`the ${use} key pair has no ${field} (the secret ${name} is missing or empty)`);
      if (!keyText.test(pair[field]))
        throw new Error(`the ${use} key pair's ${field} (the secret ${name}) holds spaces or characters other than printable ASCII`);
    }
    const other = seen.get(pair.accessKeyId);
    if (other) throw new Error(`the ${other} and ${use} key pairs share one access key id: each use needs a key pair of its own`);
    seen.set(pair.accessKeyId, use);
  }
  return {
    identities: storageKeyUses.map((use) => ({
      name: `erpbi-${use}`,
      credentials: [{ accessKey: keys[use].accessKeyId, secretKey: keys[use].secretAccessKey }],
      actions: storageActions(use, buckets),
    })),
  };
}

function defaultBuckets(): Buckets {
  return { documents: settings.shape.S3_BUCKET.parse(undefined), olap: settings.shape.OLAP_EXPORT_BUCKET.parse(undefined) };
}

/** The key pairs from their secret files in `dir`, trimmed as the functions read them (shared/config.ts, secret). */
export function readStorageKeys(dir: string): Record<StorageKeyUse, KeyPair> {
  const read = (name: string) => {
    let text: string;
    try {
      text = readFileSync(join(dir, name), 'utf8');
    } catch (err) {
      throw new Error(`cannot read the key file ${join(dir, name)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const value = text.trim();
    if (!value) throw new Error(`the key file ${join(dir, name)} is empty`);
    return value;
  };
  const pair = (use: StorageKeyUse): KeyPair => {
    const s = storageKeySecrets(use);
    return { accessKeyId: read(s.accessKeyId), secretAccessKey: read(s.secretAccessKey) };
  };
  return Object.fromEntries(storageKeyUses.map((use) => [use, pair(use)])) as Record<StorageKeyUse, KeyPair>;
}

/**
 * Writes <dir>/seaweedfs-s3.json from the key files in `dir`, readable by its owner only, replacing the
 * file whole (written beside it, then renamed: a gateway starting meanwhile never reads half a file).
 */
export function writeSeaweedfsIdentities(dir: string, buckets?: Buckets): string {
  const config = seaweedfsIdentities(readStorageKeys(dir), buckets);
  const file = join(dir, seaweedfsConfigFile);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600); // a leftover of an interrupted run would keep its own mode
  renameSync(temporary, file);
  return file;
}
