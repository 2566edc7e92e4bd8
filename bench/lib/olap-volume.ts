import type { Bus } from '../../shared/events/bus.js';
import type { BenchBox, Catalogue } from './box.js';
import { PeakTracker } from './memory.js';
import { loadSynthetic, queryLatencies, rebuild, type LoadResult } from './olap.js';
import type { OlapWatch } from './olap-watch.js';
import { cfg, quick, say } from './options.js';
import { prng } from './prng.js';
import { ms, type Summary } from './stats.js';

// 6. OLAP at volume: the projection grown to each size in turn (synthetic orders), the named queries
// timed at each size, a rebuild of the whole projection from the stream at each size, and the
// projector's peak RSS over each size's load, queries and rebuild: how each grows with the history.

export type Rebuilt = Awaited<ReturnType<typeof rebuild>>;

export interface OlapAtSize {
  size: number;
  load: LoadResult;
  queries: Record<string, Summary & { status: number }>;
  /** The same queries asked again between two batches: answered from the projector's answer cache. */
  queriesCached: Record<string, Summary & { status: number }>;
  /** The rebuild from the stream at this size (the last size's is also OlapVolume.rebuilt). */
  rebuild: Rebuilt;
  /** The projector's peak RSS (kB) over this size's load, queries and rebuild (1 s samples). */
  projectorPeakRssKb: number;
}

export interface OlapVolume {
  sizes: OlapAtSize[];
  rebuilt?: Rebuilt | undefined;
}

export async function olapAtVolume(b: BenchBox, bus: Bus, cat: Catalogue, watch: OlapWatch, projectorPid: number): Promise<OlapVolume> {
  const sizes: OlapAtSize[] = [];
  let projected = 0;
  const ids: string[] = [];
  let rebuilt: Rebuilt | undefined;
  for (const size of cfg.olapSizes) {
    const peak = new PeakTracker({ 'project-to-olap': projectorPid });
    peak.start(1000);
    say(`OLAP: projecting up to ${size} synthetic orders...`);
    const load = await loadSynthetic(bus, b.box.prefix, cat, watch, size - projected, prng(size), quick ? 120_000 : 1_800_000, ids);
    projected = size;
    const rates = `projected in ${(load.projectedMs / 1000).toFixed(1)} s (${load.applyRate.toFixed(0)} events/s while behind)`;
    say(`  ${load.events} events published in ${(load.publishMs / 1000).toFixed(1)} s, ${rates}`);
    const queries = await queryLatencies(b, cfg.queryRepeats, ids);
    const queriesCached = await queryLatencies(b, cfg.queryRepeats, ids, true);
    for (const [what, qs] of [
      ['computed', queries],
      ['kept between batches', queriesCached],
    ] as const)
      say(
        `  queries p95, ${what}: ${Object.entries(qs)
          .map(([n, q]) => `${n} ${ms(q.p95)}`)
          .join(', ')}`,
      );
    say(`OLAP: rebuild from the stream at ${size} orders...`);
    rebuilt = await rebuild(b);
    say(`  ${rebuilt.events} events in ${(rebuilt.ms / 1000).toFixed(1)} s (${rebuilt.rate.toFixed(0)} events/s), status ${rebuilt.status}`);
    peak.sample();
    peak.stop();
    sizes.push({ size, load, queries, queriesCached, rebuild: rebuilt, projectorPeakRssKb: peak.peak['project-to-olap']!.rssKb });
  }
  return { sizes, rebuilt };
}
