import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

// The SHA-256 and size of what passes through a backup: taken as files are written and again as they
// are read back, so a restore can tell a whole file from an altered or cut-short one.

/** A SHA-256 and byte count taken of the chunks passing through `step` (`count`: told the bytes so far, chunk by chunk). */
export function digestTap(count: (bytes: number) => void = () => {}) {
  const hash = createHash('sha256');
  let bytes = 0;
  const step = async function* (chunks: AsyncIterable<Buffer | Uint8Array>) {
    for await (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.length;
      count(bytes);
      yield chunk;
    }
  };
  return {
    step,
    /** `source` read through the tap, as a stream of its own. */
    through: (source: Readable) => Readable.from(step(source), { objectMode: false }),
    digest: () => ({ bytes, sha256: hash.digest('hex') }),
  };
}

/** Writes `source` to a new file `to` (0600, never an existing one), returning its size and SHA-256. */
export async function writeCounting(source: Readable, to: string): Promise<{ bytes: number; sha256: string }> {
  const tap = digestTap();
  await pipeline(source, tap.step, createWriteStream(to, { flags: 'wx', mode: 0o600 }));
  return tap.digest();
}

/** A sink that keeps nothing: for reading a stream through a check. */
export const discard = () => new Writable({ write: (_c, _e, cb) => cb() });

export async function digestOf(file: string): Promise<{ bytes: number; sha256: string }> {
  const tap = digestTap();
  await pipeline(createReadStream(file), tap.step, discard());
  return tap.digest();
}
