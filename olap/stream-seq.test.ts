import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SeqEvent } from './fold.js';
import { OlapStore, type Watermark } from './store.js';

// The dashboard says "up to date" or "N events behind" from the watermark: the store keeps, beside the
// sequence it applied, the stream's last sequence as the feed said it with the batch.
const dir = mkdtempSync(join(tmpdir(), 'erpbi-olap-tail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// The content of the events does not matter here: an unreadable one still moves the watermark.
const seqs = (from: number, to: number): SeqEvent[] => Array.from({ length: to - from + 1 }, (_, n) => ({ seq: from + n, event: null }));

describe('the watermark and where the stream ends', () => {
  it("carries the stream's last sequence from the batch to the answers and the live listeners", async () => {
    const file = join(dir, 'tail.duckdb');
    const store = new OlapStore(file);
    expect(await store.watermark()).toMatchObject({ seq: 0, streamSeq: null });
    const live: Watermark[] = [];
    store.onApplied((w) => live.push(w));

    expect((await store.apply(seqs(1, 2), 5)).watermark).toMatchObject({ seq: 2, streamSeq: 5 }); // 3 events behind
    expect((await store.apply(seqs(3, 5), 5)).watermark).toMatchObject({ seq: 5, streamSeq: 5 }); // up to date
    expect(live.map((w) => [w.seq, w.streamSeq])).toEqual([
      [2, 5],
      [5, 5],
    ]);
    expect((await store.query({ sql: 'select 1 as one', values: [] })).watermark).toMatchObject({ seq: 5, streamSeq: 5 });

    // A redelivered batch applies nothing, but may say the stream went on.
    expect((await store.apply(seqs(5, 5), 7)).watermark).toMatchObject({ seq: 5, streamSeq: 7 });
    expect(await store.watermark()).toMatchObject({ seq: 5, streamSeq: 7 });
    // A batch that does not say (a replay, an older feed): unknown, not a stale figure.
    expect((await store.apply(seqs(6, 6))).watermark).toMatchObject({ seq: 6, streamSeq: null });
    await store.close();

    // Not kept in the file: a new process does not know it until the next batch says it.
    const reopened = new OlapStore(file);
    expect(await reopened.watermark()).toMatchObject({ seq: 6, streamSeq: null });
    await reopened.close();
  });
});

describe('a batch that does not continue from the watermark', () => {
  it('is refused with sequence_gap and changes nothing, whether it skips ahead or jumps inside', async () => {
    const store = new OlapStore(join(dir, 'gap.duckdb'));
    await store.apply(seqs(1, 3), 3);
    // One forged batch with a huge seq would otherwise move the watermark past every real event to come.
    await expect(store.apply(seqs(1_000_000, 1_000_000))).rejects.toMatchObject({ code: 'sequence_gap', details: { expected: 4, got: 1_000_000 } });
    await expect(store.apply([...seqs(4, 5), ...seqs(7, 8)])).rejects.toMatchObject({ code: 'sequence_gap', details: { expected: 6, got: 7 } });
    await expect(store.apply([...seqs(4, 5), ...seqs(5, 5)])).rejects.toMatchObject({ code: 'sequence_gap' });
    expect(await store.watermark()).toMatchObject({ seq: 3 });
    // Overlap with what is applied is a redelivery: the rest goes on.
    expect((await store.apply(seqs(2, 5))).watermark).toMatchObject({ seq: 5 });
    await store.close();
  });

  it("is taken when it starts at the stream's first sequence, past events the stream no longer holds", async () => {
    const store = new OlapStore(join(dir, 'purged.duckdb'));
    await expect(store.apply(seqs(40, 41))).rejects.toMatchObject({ code: 'sequence_gap' });
    await expect(store.apply(seqs(40, 41), undefined, 39)).rejects.toMatchObject({ code: 'sequence_gap' }); // the stream has 39: missing
    expect((await store.apply(seqs(40, 41), undefined, 40)).watermark).toMatchObject({ seq: 41 });
    await store.close();
  });

  it('is no gap in a rebuild, which reads the stream from where it starts', async () => {
    const store = new OlapStore(join(dir, 'rebuilt.duckdb'));
    const rebuilt = await store.rebuild(async (apply) => {
      await apply(seqs(40, 45));
      await apply(seqs(46, 50));
    });
    expect(rebuilt).toMatchObject({ events: 11, watermark: { seq: 50 } });
    // Inside the replay, a hole is still one.
    await expect(store.rebuild((apply) => apply(seqs(1, 3)).then(() => apply(seqs(5, 6))))).rejects.toMatchObject({ code: 'sequence_gap' });
    await store.close();
  });
});
