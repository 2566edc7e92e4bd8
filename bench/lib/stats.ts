// Percentiles over raw samples (milliseconds): nearest-rank, so p99 of 100 samples is the 99th value.
export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(samples: number[]): Summary {
  const s = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]! : NaN);
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: s.length ? s[s.length - 1]! : NaN };
}

export function ms(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (x >= 10_000) return `${(x / 1000).toFixed(1)}s`;
  if (x >= 100) return x.toFixed(0);
  return x.toFixed(1);
}

export function triple(s: Summary): string {
  return s.n ? `${ms(s.p50)}/${ms(s.p95)}/${ms(s.p99)}/${ms(s.max)}` : '-';
}

/** Wall clock in epoch milliseconds with sub-millisecond resolution. */
export const now = (): number => performance.timeOrigin + performance.now();
export const sleep = (msec: number) => new Promise<void>((r) => setTimeout(r, msec));
