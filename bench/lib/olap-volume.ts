import type { Bus } from '../../shared/events/bus.js';
import type { BenchBox, Catalogue } from './box.js';
import { loadSynthetic, queryLatencies, rebuild, type LoadResult } from './olap.js';
import type { OlapWatch } from './olap-watch.js';
import { cfg, quick, say } from './options.js';
import { prng } from './prng.js';
import { ms, type Summary } from './stats.js';

// 6. OLAP at volume: the projection grown to each size in turn (synthetic orders), the named queries
// timed at each size, then a rebuild of the whole projection from the stream.

export interface OlapAtSize {
  size: number;
  load: LoadResult;
  queries: Record<string, Summary & { status: number }>;
}

export interface OlapVolume {
  sizes: OlapAtSize[];
  rebuilt?: Awaited<ReturnType<typeof rebuild>> | undefined;
}

export async function olapAtVolume(b: BenchBox, bus: Bus, cat: Catalogue, watch: OlapWatch): Promise<OlapVolume> {
  const sizes: OlapAtSize[] = [];
  let projected = 0;
  const ids: string[] = [];
  for (const size of cfg.olapSizes) {
    say(`OLAP: projecting up to ${size} synthetic orders...`);
    const load = await loadSynthetic(bus, b.box.prefix, cat, watch, size - projected, prng(size), quick ? 120_000 : 1_800_000, ids);
    projected = size;
    const rates = `projected in ${(load.projectedMs / 1000).toFixed(1)} s (${load.applyRate.toFixed(0)} events/s while behind)`;
    say(`  ${load.events} events published in ${(load.publishMs / 1000).toFixed(1)} s, ${rates}`);
    const queries = await queryLatencies(b, cfg.queryRepeats, ids);
    sizes.push({ size, load, queries });
    say(
      `  queries p95: ${Object.entries(queries)
        .map(([n, q]) => `${n} ${ms(q.p95)}`)
        .join(', ')}`,
    );
  }
  say('OLAP: rebuild from the stream...');
  const rebuilt = await rebuild(b);
  say(`  ${rebuilt.events} events in ${(rebuilt.ms / 1000).toFixed(1)} s (${rebuilt.rate.toFixed(0)} events/s), status ${rebuilt.status}`);
  return { sizes, rebuilt };
}
