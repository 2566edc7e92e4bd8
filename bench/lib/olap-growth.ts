import type { OlapVolume } from './olap-volume.js';
import { ms } from './stats.js';
import { grid } from './table.js';

// How the projector's measures grow with the history it holds: one column per OLAP size (10k, 100k, 1M
// with --olap=10000,100000,1000000). Flat rows are the goal; a row that grows with the size reads O(orders).

const rate = (x: number) => `${Math.round(x).toLocaleString('en')}/s`;

export function renderOlapGrowth(olap: OlapVolume): string {
  const sizes = olap.sizes;
  if (!sizes.length) return '';
  const head = ['OLAP measure', ...sizes.map((s) => `${s.size.toLocaleString('en')} orders`)];
  const row = (name: string, cell: (s: (typeof sizes)[number]) => string) => [name, ...sizes.map(cell)];
  const queries = Object.keys(sizes[0]!.queries);
  return grid(head, [
    row('events in the stream (after rebuild)', (s) => s.rebuild.events.toLocaleString('en')),
    ...queries.map((q) => row(`${q} p95 (p50) ms`, (s) => (s.queries[q] ? `${ms(s.queries[q].p95)} (${ms(s.queries[q].p50)})` : '-'))),
    row('apply while behind, events', (s) => rate(s.load.applyRate)),
    row('published -> projected end to end, events', (s) => rate(s.load.events / (s.load.projectedMs / 1000))),
    row('rebuild from the stream, events', (s) => `${rate(s.rebuild.rate)} (${(s.rebuild.ms / 1000).toFixed(1)} s)`),
    row('projector peak RSS (load, queries, rebuild) MB', (s) => (s.projectorPeakRssKb / 1024).toFixed(0)),
  ]);
}
