import { describe, expect, it } from 'vitest';
import { freshness } from './freshness.js';

// A caught-up projection of a quiet stream said "4,207 ms behind" (the time since the last event, growing
// while nothing happened). Behind is how far the projection is behind the stream's newest event.
const at = (iso: string) => ({ eventTime: iso, appliedAt: new Date(Date.parse(iso) + 12).toISOString() });

describe('the freshness label of a panel', () => {
  it("says up to date when the watermark is the stream's last sequence, however long ago that event was", () => {
    const w = { seq: 42, streamSeq: 42, ...at('2020-01-01T00:00:00.000Z') };
    expect(freshness(w)).toEqual({ text: 'as of event 42, up to date', stale: false });
  });

  it("says how many events the projection is behind the stream's newest", () => {
    expect(freshness({ seq: 40, streamSeq: 42, ...at(new Date().toISOString()) })).toEqual({ text: 'as of event 40, 2 events behind', stale: true });
    expect(freshness({ seq: 41, streamSeq: 42, ...at(new Date().toISOString()) })).toEqual({ text: 'as of event 41, 1 event behind', stale: true });
  });

  it("claims no lag it does not know: without the stream's last sequence, how long after the event it was applied", () => {
    expect(freshness({ seq: 7, streamSeq: null, ...at('2020-01-01T00:00:00.000Z') })).toEqual({ text: 'as of event 7, applied 12 ms after it', stale: false });
    expect(freshness({ seq: 7, ...at('2020-01-01T00:00:00.000Z') })).toEqual({ text: 'as of event 7, applied 12 ms after it', stale: false }); // an older projector
    expect(freshness({ seq: 7, eventTime: '2020-01-01T00:00:00.000Z', appliedAt: '2020-01-01T00:00:09.000Z', streamSeq: null }).stale).toBe(true);
  });

  it('says when there is nothing yet', () => {
    expect(freshness(undefined).text).toBe('waiting for data…');
    expect(freshness({ seq: 0, eventTime: null, appliedAt: null, streamSeq: 0 }).text).toBe('no events yet');
  });
});
