import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';

// s3rver (3.7) writes an object in place, truncating the old file first, and answers the PUT before
// the bytes are on disk: a GET meanwhile read an empty or partial file, so `npm start` once served an
// invoice PDF of 0 bytes, and a re-rendered document could be read half old, half missing. An S3
// store's PUT replaces an object whole. Here an object is written whole under another name, its metadata first, then renamed into
// place: a reader finds no object (a 503 `not_ready`, retried) or the whole one, old or new.

/** The part of s3rver's FilesystemStore this replaces and uses (lib/stores/filesystem.js). */
interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  putObject(object: { bucket: string; key: string; metadata: Record<string, string>; content: Buffer | Readable }): Promise<{ size: number; md5: string }>;
}

export function writeObjectsWhole(store: FilesystemStore): void {
  store.putObject = async (object) => {
    const path = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(path), { recursive: true });
    // Whole in memory: documents are tens of kB, and this server is the box's own, for its documents.
    const bytes = Buffer.isBuffer(object.content) ? object.content : await buffer(object.content);
    const md5 = createHash('md5').update(bytes).digest('hex');
    const part = `${path}.${randomBytes(6).toString('hex')}.part`;
    try {
      await writeFile(part, bytes);
      // Before the object appears: a reader of a new object never finds it without its content type.
      await store.putMetadata(object.bucket, object.key, object.metadata, md5);
      await rename(part, path);
    } catch (err) {
      await rm(part, { force: true });
      throw err;
    }
    return { size: bytes.length, md5 };
  };
}
