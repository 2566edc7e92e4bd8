import { join } from 'node:path';
import { readPortsFile } from '../../runtime/box/ports-file.js';
import { boxLog, cannotMeasure } from './fail.js';

// Documents rendered, and the time the render itself took, from render-document's own Prometheus
// histogram (`erpbi_document_render_seconds`, label kind) on its /metrics, read before and after a step:
// what a document costs, and the box's CPU per order without them.

export const renderMetric = 'erpbi_document_render_seconds';
const fn = 'render-document';

export interface RenderReading {
  count: number;
  seconds: number;
  byKind: Record<string, { count: number; seconds: number }>;
}

export interface DocumentsInStep {
  rendered: number;
  renderSeconds: number;
  /** Render time per document (ms); undefined when the step rendered none. */
  msPerDocument?: number | undefined;
  byKind: Record<string, { rendered: number; msPerDocument: number }>;
}

/** Sums the histogram's _sum and _count over its labels; the run stops when the metric is not there. */
export function parseRenderMetric(text: string): RenderReading {
  if (!new RegExp(`^# TYPE ${renderMetric} histogram$`, 'm').test(text)) cannotMeasure(`${fn}'s render time`, `no histogram ${renderMetric} on its /metrics`);
  const out: RenderReading = { count: 0, seconds: 0, byKind: {} };
  const line = new RegExp(`^${renderMetric}_(sum|count)\\{([^}]*)\\} ([\\d.eE+-]+)$`, 'gm');
  for (const m of text.matchAll(line)) {
    const kind = /kind="([^"]*)"/.exec(m[2]!)?.[1] ?? '?';
    const k = (out.byKind[kind] ??= { count: 0, seconds: 0 });
    const v = Number(m[3]);
    if (m[1] === 'sum') {
      k.seconds += v;
      out.seconds += v;
    } else {
      k.count += v;
      out.count += v;
    }
  }
  return out;
}

/** render-document's histogram now (a busy render-document on a loaded machine took 10 s to answer), from its /metrics at the port the box gave it (<data>/ports.json). */
export async function readRenderMetric(dataDir: string): Promise<RenderReading> {
  const port = readPortsFile(join(dataDir, 'ports.json'))[fn];
  if (!port) return cannotMeasure(`${fn}'s render time`, `${fn} has no port in ports.json (not running?)`, boxLog(dataDir, fn));
  let res: Response;
  try {
    res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(60_000) });
  } catch (e) {
    return cannotMeasure(`${fn}'s render time`, `GET /metrics on port ${port}: ${(e as Error).message}`, boxLog(dataDir, fn));
  }
  const text = await res.text();
  if (res.status !== 200) cannotMeasure(`${fn}'s render time`, `GET /metrics answered ${res.status}`, text.slice(-2000));
  return parseRenderMetric(text);
}

export function documentsBetween(a: RenderReading, b: RenderReading): DocumentsInStep {
  const rendered = b.count - a.count;
  const renderSeconds = b.seconds - a.seconds;
  const byKind: DocumentsInStep['byKind'] = {};
  for (const [kind, v] of Object.entries(b.byKind)) {
    const n = v.count - (a.byKind[kind]?.count ?? 0);
    if (n > 0) byKind[kind] = { rendered: n, msPerDocument: ((v.seconds - (a.byKind[kind]?.seconds ?? 0)) * 1000) / n };
  }
  return { rendered, renderSeconds, msPerDocument: rendered > 0 ? (renderSeconds * 1000) / rendered : undefined, byKind };
}
