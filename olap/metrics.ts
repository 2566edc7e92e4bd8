import { Gauge, type Registry } from 'prom-client';
import type { OlapStore } from './store.js';

/**
 * erpbi_projector_lag_seconds: at each applied batch, how long after its newest event the projection
 * caught up (applied time minus event time). Idle keeps the last value: no events is no lag.
 * The alert rule "projector lag > 2 s" reads it.
 */
export function watchLag(store: Pick<OlapStore, 'onApplied'>, registry: Registry): void {
  const lag = new Gauge({
    name: 'erpbi_projector_lag_seconds',
    help: 'Applied time minus event time of the newest event in the last applied batch',
    registers: [registry],
  });
  const seq = new Gauge({ name: 'erpbi_projector_watermark_seq', help: 'Stream sequence of the last applied event', registers: [registry] });
  lag.set(0);
  store.onApplied((w) => {
    seq.set(w.seq);
    if (w.eventTime && w.appliedAt) lag.set(Math.max(0, (Date.parse(w.appliedAt) - Date.parse(w.eventTime)) / 1000));
  });
}
