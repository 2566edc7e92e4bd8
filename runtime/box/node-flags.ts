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

// A function sized by its container limit, as it would be on faasd: the old space capped at 3/4 of the
// limit (V8 collects hard before the OOM killer would end it; the rest is code, buffers and, for the
// projector, what DuckDB keeps outside V8's heap under its own OLAP_MEMORY_LIMIT), and semi-spaces of
// 1/32 of it (4 MB at 128Mi, 16 MB at 512Mi) so an idle function keeps a small young generation.
// The same numbers are the image's (template/erpbi-node/Dockerfile).
export function functionNodeFlags(limit: string | undefined): string[] {
  const mib = memoryMiB(limit);
  if (mib === undefined) return [...childNodeFlags];
  return [`--max-old-space-size=${Math.floor((mib * 3) / 4)}`, `--max-semi-space-size=${Math.max(1, Math.min(16, Math.floor(mib / 32)))}`];
}
