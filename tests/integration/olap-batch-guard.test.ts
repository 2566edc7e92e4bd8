import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { seed } from '../support/fixtures.js';
import { caughtUp, feedProjector, lastSeq, projectorSeq } from '../support/olap.js';

// The projector trusts no batch's seq: one that does not continue from its watermark is refused
// (olap/store.ts), unless the real stream no longer holds what it skips. Real JetStream, real DuckDB.
const dir = mkdtempSync(join(tmpdir(), 'erpbi-olap-guard-'));
process.env.OLAP_FILE = join(dir, 'erpbi.duckdb');
let h: Harness;

beforeAll(async () => {
  h = await createHarness('og');
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a batch posted to the projector', () => {
  it('with a seq far ahead is a 409 sequence_gap and leaves BI where it was; the real feed goes on', async () => {
    // The stream's older events are gone (purged), so the first batch may start past 1, at the stream's first sequence.
    await seed(h, { stock: 5 });
    const jsm = await jetstreamManager(h.bus.bus.nc);
    await jsm.streams.purge(h.bus.stream);
    await seed(h, { stock: 5 });
    expect((await jsm.streams.info(h.bus.stream)).state.first_seq).toBeGreaterThan(1);

    const service = await h.keys.token('service', 'connector');
    const forged = await h.call('project-to-olap', '/batch', { token: service, body: { events: [{ seq: 1_000_000_000, event: null }] } });
    expect(forged.status).toBe(409);
    expect(forged.body.error).toMatchObject({ code: 'sequence_gap', details: { got: 1_000_000_000 } });
    expect(await projectorSeq(h)).toBe(0);

    const feed = await feedProjector(h);
    try {
      expect(await caughtUp(h)).toBe(await lastSeq(h));
    } finally {
      await feed.stop();
    }
    expect(feed.posted.every((p) => p.status === 200)).toBe(true);
    const ahead = await h.call('project-to-olap', '/batch', { token: service, body: { events: [{ seq: (await lastSeq(h)) + 2, event: null }] } });
    expect(ahead.status).toBe(409);
    expect(await projectorSeq(h)).toBe(await lastSeq(h));
  });
});
