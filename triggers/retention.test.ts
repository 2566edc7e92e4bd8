import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maxDeliver, redeliveryHorizonMs } from './retry-policy.js';
import { readConfig } from '../shared/config.js';
import { retentionFor } from './retention.js';
import { readStack } from '../shared/stack.js';

const hour = 3600_000;
const fns = readStack(join(import.meta.dirname, '..', 'stack.yml')).filter((f) => f.topics.length > 0);

// The pruner's settings as the connector reads them (shared/config.ts), from `env`.
const retention = (env: Record<string, string> = {}) =>
  readConfig(['PROCESSED_EVENTS_KEEP_HOURS', 'PUBLISHED_OUTBOX_KEEP_HOURS', 'PRUNE_EVERY_SECONDS', 'PRUNE_BATCH_ROWS'], { env });

describe('retention windows', () => {
  it('bounds the redelivery horizon from the retry policy: 1500 deliveries at 60 s plus the answer timeout', () => {
    // 1500 deliveries at up to 60 s apart alone are 25 h; with the 30 s answer timeout and JetStream's two
    // spare deliveries the bound is about 37.5 h. The default 8: about 10.5 minutes.
    expect(redeliveryHorizonMs(1500)).toBeGreaterThan(25 * hour);
    expect(redeliveryHorizonMs(1500) / hour).toBeCloseTo(37.475, 2);
    expect(redeliveryHorizonMs(maxDeliver) / 60_000).toBeCloseTo(10.5, 5);
    expect(redeliveryHorizonMs(10)).toBeGreaterThan(redeliveryHorizonMs(9));
  });

  it('keeps processed-event ids past the longest horizon of stack.yml by default, with days of margin', () => {
    const defaults = retention({});
    expect(defaults).toEqual({ PROCESSED_EVENTS_KEEP_HOURS: 168, PUBLISHED_OUTBOX_KEEP_HOURS: 168, PRUNE_EVERY_SECONDS: 10, PRUNE_BATCH_ROWS: 2000 });
    const r = retentionFor(defaults, fns);
    const longest = Math.max(...fns.map((f) => redeliveryHorizonMs(f.maxDeliver ?? maxDeliver)));
    expect(fns.find((f) => f.name === 'render-document')?.maxDeliver).toBe(1500);
    expect(longest).toBe(redeliveryHorizonMs(1500));
    expect(r.processedEventsMs - longest).toBeGreaterThan(5 * 24 * hour);
    expect(r).toMatchObject({ publishedOutboxMs: 168 * hour, everyMs: 10_000, batchRows: 2000 });
  });

  it('refuses a processed-events window within a function redelivery horizon, naming the function', () => {
    expect(() => retentionFor(retention({ PROCESSED_EVENTS_KEEP_HOURS: '37' }), fns)).toThrow(/render-document.*max-deliver 1500/);
    expect(retentionFor(retention({ PROCESSED_EVENTS_KEEP_HOURS: '38' }), fns).processedEventsMs).toBe(38 * hour);
    // Without render-document, the default 8 deliveries need minutes only.
    expect(() =>
      retentionFor(
        retention({ PROCESSED_EVENTS_KEEP_HOURS: '1' }),
        fns.filter((f) => f.name !== 'render-document'),
      ),
    ).not.toThrow();
    expect(() => retention({ PRUNE_BATCH_ROWS: '0' })).toThrow();
  });
});
