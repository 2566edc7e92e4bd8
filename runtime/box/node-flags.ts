// V8 flags for every Node.js process `npm start` runs (the gateway, each function, the connector,
// object storage). Node 24's V8 lets a busy process grow its young generation to 128 MB of new space
// (Node 20's stopped at 32 MB): measured with process reports on the gateway under
// tests/faults/load.test.ts, new space 128 MB of a 195-228 MB heap, the old space back to 24-36 MB
// after collections. Twenty such processes on one small machine cannot each keep that; 16 MB
// semi-spaces (32 MB of new space, reported so with the flag) are what Node 20 ran with. It does not
// make the gateway flat within the load test's 45 s hold: it still grew 36-38 MB there on Node 24.
export const childNodeFlags: readonly string[] = ['--max-semi-space-size=16'];

/** Mebibytes of a stack.yml `limits.memory` (128Mi, 1Gi, 512M); undefined when there is none or it is unreadable. */
export function memoryMiB(limit: string | undefined): number | undefined {
  const m = /^(\d+)(Mi|M|Gi|G)$/.exec(limit ?? '');
  if (!m) return undefined;
  return Number(m[1]) * (m[2]!.startsWith('G') ? 1024 : 1);
}

/** A function's stack.yml limit in MiB; one without a readable limit is an error (the bench's cost model needs it). */
export function stackMemoryMiB(name: string, limit: string | undefined): number {
  const mib = memoryMiB(limit);
  if (mib === undefined) throw new Error(`${name}: stack.yml gives no readable limits.memory (${String(limit)})`);
  return mib;
}

// A function sized by its container limit, as it would be on faasd: the old space capped at 3/4 of the
// limit (V8 collects hard before the OOM killer would end it; the rest is code and buffers), and
// semi-spaces of 1/32 of it (4 MB at 128Mi) so an idle function keeps a small young generation.
// The same numbers are the image's (template/erpbi-node/Dockerfile).
// The projector also holds DuckDB's buffers outside V8's heap, up to its OLAP_MEMORY_LIMIT: its heap is
// what is left of the limit after them and Node's own ~96 MiB (code, the addon, buffers): 171 MiB at
// 512Mi with DuckDB's 256 MB (245 MiB), with 8 MB semi-spaces; compose gives its container the same
// (tests/deploy/compose.test.ts). Before, the box sized it like any function (384 MB of heap), so a
// box's projector could grow past what its container may.
export function functionNodeFlags(limit: string | undefined, outsideHeapMiB = 0): string[] {
  const mib = memoryMiB(limit);
  if (mib === undefined) return [...childNodeFlags];
  if (outsideHeapMiB > 0) return [`--max-old-space-size=${Math.max(32, mib - outsideHeapMiB - nodeOwnMiB)}`, '--max-semi-space-size=8'];
  return [`--max-old-space-size=${Math.floor((mib * 3) / 4)}`, `--max-semi-space-size=${Math.max(1, Math.min(16, Math.floor(mib / 32)))}`];
}

const nodeOwnMiB = 96;

/** Mebibytes of a DuckDB memory_limit as OLAP_MEMORY_LIMIT writes it (256MB, 1GB, 512MiB); undefined when unreadable. */
export function duckdbLimitMiB(limit: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT])(i?)B$/i.exec(limit.trim());
  if (!m) return undefined;
  // DuckDB reads KB/MB/GB as powers of 1000 and KiB/MiB/GiB as powers of 1024
  const base = m[3] ? 1024 : 1000;
  const bytes = Number(m[1]) * base ** ('KMGT'.indexOf(m[2]!.toUpperCase()) + 1);
  return Math.ceil(bytes / 2 ** 20);
}
