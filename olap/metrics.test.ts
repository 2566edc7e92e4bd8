import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { watchLag } from './metrics.js';
import type { Watermark } from './store.js';

describe('projector lag metric', () => {
  it('reports applied time minus event time of the last batch, and the watermark', async () => {
    let listener: ((w: Watermark) => void) | undefined;
    const registry = new Registry();
    watchLag({ onApplied: (l) => ((listener = l), () => {}) }, registry);
    expect(await registry.getSingleMetricAsString('erpbi_projector_lag_seconds')).toMatch(/ 0$/m);
    listener!({ seq: 42, eventTime: '2026-11-25T10:00:00.000Z', appliedAt: '2026-11-25T10:00:02.500Z', streamSeq: 42 });
    expect(await registry.getSingleMetricAsString('erpbi_projector_lag_seconds')).toMatch(/ 2\.5$/m);
    expect(await registry.getSingleMetricAsString('erpbi_projector_watermark_seq')).toMatch(/ 42$/m);
  });
});
