import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { seed } from '../support/fixtures.js';
import { caughtUp, feedProjector, lastSeq, projectorSeq } from '../support/olap.js';
import { rebuildEnded } from '../support/olap-rebuild.js';

// The rebuild as a job: POST starts it (202), GET says where it stands until it is done or failed.
// A failed replay leaves the store answering, at the watermark it reached. Real JetStream, real DuckDB.
// That the rebuilt figures equal those before is olap-correctness.test.ts's.
const dir = mkdtempSync(join(tmpdir(), 'erpbi-olap-rebuild-'));
process.env.OLAP_FILE = join(dir, 'erpbi.duckdb');
let h: Harness;

beforeAll(async () => {
  h = await createHarness('orb');
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const start = () => h.call('project-to-olap', '/rebuild', { role: 'admin', rawBody: '', headers: { 'content-type': 'text/plain' } });
const status = () => h.get('project-to-olap', '/rebuild', { role: 'service' });

describe('the OLAP rebuild', () => {
  it('is none before any, then answers 202 at once and is polled to done with the events and watermark', async () => {
    expect((await status()).body).toEqual({ state: 'none' });
    await seed(h, { stock: 5 });
    await seed(h, { stock: 7 });
    const feed = await feedProjector(h);
    try {
      await caughtUp(h);
    } finally {
      await feed.stop();
    }
    const seq = await lastSeq(h);

    const res = await start();
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.headers.location).toBe('rebuild');
    expect(res.body).toMatchObject({ state: 'running', events: 0, watermark: { seq: 0 } });
    const done = await rebuildEnded(status);
    expect(done).toMatchObject({ state: 'done', startedAt: res.body.startedAt, events: seq, watermark: { seq } });
    if (done.state !== 'done') return;
    expect(Date.parse(done.finishedAt)).toBeGreaterThanOrEqual(Date.parse(done.startedAt));
    expect(await projectorSeq(h)).toBe(seq);
    // The end is kept until the next rebuild.
    expect((await status()).body).toEqual(done);
  });

  it('fails on a hole in the stream, says why, and leaves the store answering at the watermark it reached', async () => {
    const seq = await lastSeq(h);
    expect(seq).toBeGreaterThan(3);
    // A message deleted from the middle: the replay jumps over it, and the store refuses the gap.
    const hole = Math.floor(seq / 2);
    expect(await (await jetstreamManager(h.bus.bus.nc)).streams.deleteMessage(h.bus.stream, hole)).toBe(true);

    expect((await start()).status).toBe(202);
    const failed = await rebuildEnded(status);
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'sequence_gap' } });
    if (failed.state !== 'failed') return;
    expect(failed.watermark.seq).toBeLessThan(hole);
    expect(failed.error.message).toMatch(new RegExp(`jumps from ${hole - 1} to ${hole + 1}`));
    // Usable: queries answer, at the failed rebuild's watermark, and another rebuild may start.
    expect(await projectorSeq(h)).toBe(failed.watermark.seq);
    expect((await start()).status).toBe(202);
    expect(await rebuildEnded(status)).toMatchObject({ state: 'failed', error: { code: 'sequence_gap' } });
  });
});
