import { Registry, Histogram, collectDefaultMetrics } from 'prom-client';

/**
 * Node's default metrics into `registry`. The event-loop lag histogram samples every 100 ms, not
 * prom-client's 10: its timer woke every idle process 100 times a second, ~3 ms of CPU per second in
 * each of the box's 17 processes (strace showed nothing else waking them). A blocked loop still shows:
 * the sample after it comes late by as much.
 */
export function collectNodeMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
}

export function createMetrics(functionName: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ function: functionName });
  collectNodeMetrics(registry);
  const requestDuration = new Histogram({
    name: 'erpbi_http_request_duration_seconds',
    help: 'Time to answer a request, by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return { registry, requestDuration };
}
export type Metrics = ReturnType<typeof createMetrics>;
