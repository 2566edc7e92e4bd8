import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { followPortsFile, writePortsFile } from './ports-file.js';
import { waitFor } from '../../tests/support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'erpbi-ports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the gateway following ports.json', () => {
  it('sees a write made before the thread pool got round to anything: the last process to report is not lost', async () => {
    const file = join(dir, 'ports.json');
    writePortsFile(file, { gateway: 40000 });
    // Every thread of libuv's pool blocks opening a FIFO nobody writes to, as a loaded 2-core box
    // starting 17 processes delays them. fs.watchFile took its baseline stat on that pool after the first
    // read, so the write below became its baseline and was never reported: CI's /healthz stayed 503.
    const fifo = join(dir, 'hold');
    execFileSync('mkfifo', [fifo]);
    const held: Promise<FileHandle>[] = Array.from({ length: 16 }, () => open(fifo, 'r'));
    const follow = followPortsFile(file, 20);
    try {
      writePortsFile(file, { gateway: 40000, 'create-order': 40001 });
      // Now let the pool go: a writer opening the FIFO releases every reader blocked on it.
      const writer = await waitFor(
        async () => {
          try {
            return openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
          } catch {
            return undefined; // no reader has reached open() yet
          }
        },
        { timeoutMs: 5000, what: 'a reader blocked on the FIFO' },
      );
      for (const handle of await Promise.all(held)) await handle.close();
      closeSync(writer);

      await waitFor(async () => follow.current()['create-order'] === 40001, {
        timeoutMs: 3000,
        what: () => `create-order in ${JSON.stringify(follow.current())}`,
      });
      writePortsFile(file, { gateway: 40000, 'create-order': 40002 });
      await waitFor(async () => follow.current()['create-order'] === 40002, { timeoutMs: 3000, what: 'the restart on another port' });
    } finally {
      follow.stop();
    }
  });
});
