import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentStore, type DocumentStore } from '../../shared/documents/storage.js';
import { startTestStorage, type TestStorage } from '../../tests/support/object-storage.js';

// s3rver wrote an object in place and answered the PUT before its bytes were on disk: a GET in that
// moment read an empty or partial file (an invoice PDF came back as 200 with 0 bytes). An S3 store's PUT
// replaces an object whole; the box's own storage must too, or `npm start` serves half a document.
let storage: TestStorage;
let store: DocumentStore;
beforeAll(async () => {
  storage = await startTestStorage();
  store = documentStore(storage.env);
});
afterAll(() => storage.remove());

const same = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** Reads `key` again and again while `bytes` are written to it: what it read that `fine` refuses. */
async function readWhileWriting(key: string, bytes: Uint8Array, fine: (got: Uint8Array | undefined) => boolean): Promise<string[]> {
  const seen: string[] = [];
  let written = false;
  const put = store.put(key, bytes).then(() => (written = true));
  while (!written) {
    const got = await store.get(key);
    if (!fine(got)) seen.push(`${got?.length ?? 'no'} of ${bytes.length} bytes during the write`);
  }
  await put;
  return seen;
}

describe("the box's object storage", () => {
  it('shows a reader no object or the whole one, never part of it, while it is written and once the write has answered', async () => {
    for (let round = 0; round < 5; round++) {
      const key = `atomic/${round}.pdf`;
      const bytes = randomBytes(4 * 1024 * 1024);
      const seen = await readWhileWriting(key, bytes, (got) => got === undefined || same(got, bytes));
      // The write has answered: from now on every reader gets all of it.
      const after = await store.get(key);
      if (!same(after, bytes)) seen.push(`${after?.length ?? 'no'} of ${bytes.length} bytes after the write answered`);
      expect(seen, `round ${round}`).toEqual([]);
    }
  });

  it('replaces an object whole: a reader gets the old bytes or the new, never a mix', async () => {
    const key = 'atomic/replaced.pdf';
    let old = randomBytes(4 * 1024 * 1024);
    await store.put(key, old);
    for (let round = 0; round < 5; round++) {
      const next = randomBytes(4 * 1024 * 1024);
      const seen = await readWhileWriting(key, next, (got) => same(got, old) || same(got, next));
      expect(same(await store.get(key), next), `round ${round}: the new bytes once written`).toBe(true);
      expect(seen, `round ${round}`).toEqual([]);
      old = next;
    }
  });
});
