import { Registry, Histogram, collectDefaultMetrics } from 'prom-client';

export function createMetrics(functionName: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ function: functionName });
  collectDefaultMetrics({ register: registry });
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
