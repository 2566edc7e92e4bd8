import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceMapConsumer } from 'source-map-js';

// Reads the CPU profiles that cpu-profile-preload.mjs wrote and says where each process spends its
// time: self time per npm package or per file of ours, through the bundles' source maps.

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProcessProfile {
  name: string;
  pid: number;
  wallMs: number;
  cpuMs: number;
  top: { what: string; ms: number; pct: number }[];
}

const maps = new Map<string, SourceMapConsumer | null>();
function mapFor(file: string): SourceMapConsumer | null {
  if (!maps.has(file)) {
    const m = `${file}.map`;
    maps.set(file, existsSync(m) ? new SourceMapConsumer(JSON.parse(readFileSync(m, 'utf8'))) : null);
  }
  return maps.get(file)!;
}

function categoryOf(path: string): string {
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /(shared|functions|triggers|runtime|olap)\/.*$/.exec(path);
  return m ? m[0] : path;
}

function categorize(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName || 'anonymous'}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/').slice(0, 2).join('/')}`;
  let file = url;
  try {
    if (url.startsWith('file://')) file = fileURLToPath(url);
  } catch {
    // keep the url
  }
  if (file.includes('/build/')) {
    const map = mapFor(file);
    const pos = map?.originalPositionFor({ line: frame.lineNumber + 1, column: Math.max(0, frame.columnNumber) });
    if (pos?.source) return categoryOf(pos.source);
  }
  return categoryOf(file);
}

/** The latest profile of every process in `dir` (the window between the last two SIGUSR2). */
export function readProfiles(dir: string, topN = 8): ProcessProfile[] {
  if (!existsSync(dir)) return [];
  const latest = new Map<string, { file: string; n: number }>();
  for (const f of readdirSync(dir)) {
    const m = /^(.+)\.(\d+)\.(\d+)\.cpuprofile$/.exec(f);
    if (!m) continue;
    const key = `${m[1]}.${m[2]}`;
    const n = Number(m[3]);
    if ((latest.get(key)?.n ?? -1) < n) latest.set(key, { file: f, n });
  }
  const out: ProcessProfile[] = [];
  for (const [key, { file }] of latest) {
    const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    p.samples.forEach((id, i) => {
      const node = byId.get(id);
      if (!node) return;
      const what = categorize(node.callFrame);
      self.set(what, (self.get(what) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
    });
    self.delete('(idle)');
    const cpuMs = [...self.values()].reduce((a, b) => a + b, 0);
    const top = [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, topN)
      .map(([what, ms]) => ({ what, ms, pct: (ms / cpuMs) * 100 }));
    const dot = key.lastIndexOf('.');
    out.push({ name: key.slice(0, dot), pid: Number(key.slice(dot + 1)), wallMs: (p.endTime - p.startTime) / 1000, cpuMs, top });
  }
  return out.sort((a, b) => b.cpuMs - a.cpuMs);
}
