import './project.js';
import type { Bus } from '../../shared/events/bus.js';
import { docker } from '../../tests/containers/stack.js';
import type { BenchBox, Catalogue } from '../lib/box.js';
import { loadSynthetic, rebuild, type LoadResult } from '../lib/olap.js';
import type { OlapWatch } from '../lib/olap-watch.js';
import { prng } from '../lib/prng.js';
import { containersOf, cpuSeconds, mb, memory, processPeakRss, type Container } from './cgroup.js';
import { benchProject } from './project.js';

// The projector at volume inside its container limit (issue 24: run on the box it peaked at 589 MB
// RSS, over the 512 MB the compose file gives it): synthetic orders published into the stack's NATS
// (bench/lib/olap.ts), its memory sampled every second while the connector feeds it and it applies,
// then again while it rebuilds the projection from the stream. An OOM kill or a restart fails the run.

const service = 'project-to-olap';

export interface MemoryPhase {
  seconds: number;
  samples: number;
  /** docker stats' figure: usage less the inactive file cache. */
  peakMb: number;
  /** Resident memory of its processes (anonymous + mapped files). */
  peakRssMb: number;
  /** All that is charged to the cgroup, reclaimable page cache included. */
  peakUsageMb: number;
  /** Its first process's VmHWM once the phase ended: the highest RSS since the container started. */
  processPeakRssMb: number;
  limitMb: number;
  /** Peak below the limit, and no OOM kill. */
  withinLimit: boolean;
  cpuSeconds: Record<string, number>;
}

export interface ProjectorAtVolume {
  orders: number;
  load: LoadResult;
  /** How the compose file sizes it: the container's limit and what DuckDB and V8 are told. */
  settings: { limitMb: number; env: Record<string, string> };
  apply: MemoryPhase;
  rebuild: MemoryPhase & { status: number; events: number; ms: number; rate: number };
  /** The cgroup's own high-water mark of usage (page cache included) over both phases. */
  cgroupMaxUsageMb: number;
}

/** The projector's container settings that size its memory, from `docker inspect`. */
function settingsOf(c: Container): ProjectorAtVolume['settings'] {
  const env = (JSON.parse(docker(['inspect', '-f', '{{json .Config.Env}}', c.id])) as string[])
    .map((kv): [string, string] => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])
    .filter(([k]) => /^(OLAP_|NODE_OPTIONS)/.test(k));
  return { limitMb: mb(c.memoryLimit), env: Object.fromEntries(env) };
}

/** Runs `work` while sampling the projector's (and the connector's CPU); fails loudly on an OOM kill or a restart. */
async function phase<T>(name: string, work: () => Promise<T>): Promise<{ result: T; mem: MemoryPhase }> {
  const cs = containersOf(benchProject);
  const p = cs[service];
  if (!p?.running) throw new Error(`${service} is not running before the ${name}`);
  const watched = ['project-to-olap', 'connector', 'erpbi-nats'].map((s) => cs[s]).filter((c): c is Container => !!c);
  const cpu0 = Object.fromEntries(watched.map((c) => [c.service, cpuSeconds(c)]));
  const oom0 = memory(p).oomKills;
  const peak = { ws: 0, rss: 0, usage: 0, samples: 0 };
  const sample = () => {
    const m = memory(p);
    peak.ws = Math.max(peak.ws, m.workingSet);
    peak.rss = Math.max(peak.rss, m.rss);
    peak.usage = Math.max(peak.usage, m.usage);
    peak.samples += 1;
  };
  sample();
  const timer = setInterval(sample, 1000);
  const t = Date.now();
  let result: T;
  try {
    result = await work();
  } finally {
    clearInterval(timer);
  }
  sample();
  const after = containersOf(benchProject)[service]!;
  const oomKills = memory(p).oomKills - oom0;
  const seen = `peak ${mb(peak.ws)} MB (rss ${mb(peak.rss)} MB) of ${mb(p.memoryLimit)} MB`;
  if (oomKills > 0 || after.oomKilled || after.restarts !== p.restarts || !after.running)
    throw new Error(
      `${service} was ${oomKills > 0 || after.oomKilled ? 'OOM-KILLED' : 'restarted'} during the ${name}: ${oomKills} OOM kill(s) in its cgroup, ` +
        `State.OOMKilled ${after.oomKilled}, restarts ${p.restarts} -> ${after.restarts}, running ${after.running}; ${seen}`,
    );
  const mem: MemoryPhase = {
    seconds: (Date.now() - t) / 1000,
    samples: peak.samples,
    peakMb: mb(peak.ws),
    peakRssMb: mb(peak.rss),
    peakUsageMb: mb(peak.usage),
    processPeakRssMb: mb(processPeakRss(after)),
    limitMb: mb(p.memoryLimit),
    withinLimit: peak.ws < p.memoryLimit,
    cpuSeconds: Object.fromEntries(watched.map((c) => [c.service, Math.round((cpuSeconds(c) - cpu0[c.service]!) * 100) / 100])),
  };
  return { result, mem };
}

export async function projectorAtVolume(
  b: BenchBox,
  bus: Bus,
  cat: Catalogue,
  watch: OlapWatch,
  orders: number,
  say: (s: string) => void,
): Promise<ProjectorAtVolume> {
  const p = containersOf(benchProject)[service];
  if (!p) throw new Error(`no ${service} container in project ${benchProject}`);
  const settings = settingsOf(p);
  say(`containers: projector at ${orders} orders (limit ${settings.limitMb} MB, ${JSON.stringify(settings.env)})...`);
  // a generous deadline: on a loaded machine the projector applies a few thousand events a second
  const timeoutMs = Math.max(300_000, orders * 20);
  const apply = await phase('apply', () => loadSynthetic(bus, b.box.prefix, cat, watch, orders, prng(orders), timeoutMs, []));
  const load = apply.result;
  if (!Number.isFinite(load.projectedMs))
    throw new Error(
      `the projector did not apply ${load.events} events within ${timeoutMs / 1000} s of publishing (watermark ${watch.seq}); peak ${apply.mem.peakMb} MB`,
    );
  say(
    `  ${load.events} events published in ${(load.publishMs / 1000).toFixed(1)} s, applied after ${(load.projectedMs / 1000).toFixed(1)} s; ` +
      `peak ${apply.mem.peakMb} MB (rss ${apply.mem.peakRssMb}, VmHWM ${apply.mem.processPeakRssMb}) of ${apply.mem.limitMb} MB`,
  );
  say('containers: projector rebuild from the stream...');
  const rebuilt = await phase('rebuild', () => rebuild(b));
  const r = rebuilt.result;
  if (r.status !== 200) throw new Error(`rebuild answered ${r.status}: ${JSON.stringify(r.body)}; peak ${rebuilt.mem.peakMb} MB`);
  say(
    `  ${r.events} events in ${(r.ms / 1000).toFixed(1)} s (${r.rate.toFixed(0)}/s); peak ${rebuilt.mem.peakMb} MB ` +
      `(rss ${rebuilt.mem.peakRssMb}, VmHWM ${rebuilt.mem.processPeakRssMb}) of ${rebuilt.mem.limitMb} MB`,
  );
  return {
    orders,
    load,
    settings,
    apply: apply.mem,
    rebuild: { ...rebuilt.mem, status: r.status, events: r.events, ms: r.ms, rate: r.rate },
    cgroupMaxUsageMb: mb(memory(p).maxUsage),
  };
}
