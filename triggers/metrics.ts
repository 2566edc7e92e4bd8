import { Counter, Registry } from 'prom-client';
import { collectNodeMetrics } from '../shared/http/metrics.js';

export function createConnectorMetrics() {
  const registry = new Registry();
  registry.setDefaultLabels({ function: 'connector' });
  collectNodeMetrics(registry);
  return {
    registry,
    deliveries: new Counter({
      name: 'erpbi_connector_deliveries_total',
      help: 'Event deliveries by function and outcome',
      labelNames: ['function', 'outcome'] as const,
      registers: [registry],
    }),
    republished: new Counter({ name: 'erpbi_outbox_republished_total', help: 'Outbox rows the sweeper published', registers: [registry] }),
    pruned: new Counter({
      name: 'erpbi_pruned_rows_total',
      help: 'Rows the pruner deleted past their retention window, by table',
      labelNames: ['table'] as const,
      registers: [registry],
    }),
    pruneFailures: new Counter({
      name: 'erpbi_prune_failures_total',
      help: 'Pruning statements that failed, by table',
      labelNames: ['table'] as const,
      registers: [registry],
    }),
  };
}
export type ConnectorMetrics = ReturnType<typeof createConnectorMetrics>;
