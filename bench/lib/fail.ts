import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

// The bench fails loudly: a measure it cannot take stops the run with what failed, how the process
// ended and the last of its output, never a null, 0 or NaN written as if it were a figure.

const keep = 4096;

/** The last ~4 kB a child wrote to its stdout and stderr, interleaved as they came. */
export class OutputTail {
  private text = '';

  follow(...streams: (Readable | null)[]): this {
    for (const s of streams)
      s?.on('data', (chunk: Buffer) => {
        this.text = (this.text + chunk.toString('utf8')).slice(-keep);
      });
    return this;
  }

  toString(): string {
    return this.text.trim() || '(no output)';
  }
}

/** The last ~4 kB of a file (a box process's log: <data>/logs/<name>.log). */
export function tailOfFile(file: string): string {
  try {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      const buf = Buffer.alloc(Math.min(keep, size));
      readSync(fd, buf, 0, buf.length, size - buf.length);
      return buf.toString('utf8').trim() || '(empty)';
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return `(no log: ${(e as Error).message})`;
  }
}

export class MeasureError extends Error {}

/** Stops the run: `what` could not be measured, with `detail` and the last output of the process. */
export function cannotMeasure(what: string, detail: string, output?: string): never {
  throw new MeasureError(`cannot measure ${what}: ${detail}${output ? `\n--- last output ---\n${output}\n---` : ''}`);
}

/** A box process's log, for a measure of it that failed. */
export const boxLog = (dataDir: string, name: string) => tailOfFile(join(dataDir, 'logs', `${name}.log`));

/** The number itself, or the run stops naming it: for figures that must be finite (and, by default, above 0). */
export function figure(what: string, value: number, opts: { zeroOk?: boolean; output?: string } = {}): number {
  if (!Number.isFinite(value) || (!opts.zeroOk && value <= 0)) cannotMeasure(what, `got ${value}`, opts.output);
  return value;
}
