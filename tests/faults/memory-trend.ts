// Whether a process's memory under a held load leaks or only warms up. Both rise at first: caches fill
// (JetStream's message blocks, V8's and Go's heaps grow to their working size), and a leak rises too.
// What tells them apart is the end of the hold: a cache that has filled stops growing, a leak goes on.
// So a process leaks when it both grew (its last third above its first by more than the tolerance)
// and is still growing at the end (the line fitted through the second half of the samples, carried
// over the whole hold, rises by more than the tolerance). The rise alone was the old check: it failed
// nats-server's 42.5 -> 63.7 MB over a 300 s hold (issue 21) whether or not it had levelled off. The
// late slope alone fails on noise in a short hold (a heap's sawtooth over 20 s), hence both.

export interface Sample {
  /** Seconds since the hold began. */
  t: number;
  kb: number;
}

export interface Trend {
  firstMb: number;
  lastMb: number;
  /** Over all the samples, and over the second half only (kB per minute). */
  slopeKbPerMin: number;
  lateSlopeKbPerMin: number;
  /** Where the second half's line would take the process over a hold as long again (kB). */
  lateGrowthKb: number;
  toleranceKb: number;
  leaking: boolean;
  samples: number;
}

/** Least-squares slope of y over x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const mb = (kb: number) => Math.round(kb / 102.4) / 10;

/**
 * A leak: grown by more than the tolerance (20% of the starting size, at least 16 MB: below that, heaps
 * breathe), and the second half's fitted line, carried over a hold as long as the one sampled, rising
 * by more than the tolerance too.
 */
export function memoryTrend(samples: readonly Sample[]): Trend {
  const third = Math.max(1, Math.floor(samples.length / 3));
  const first = mean(samples.slice(0, third).map((s) => s.kb));
  const last = mean(samples.slice(-third).map((s) => s.kb));
  const late = samples.slice(Math.floor(samples.length / 2));
  const span = samples.length > 1 ? samples[samples.length - 1]!.t - samples[0]!.t : 0;
  const k = slope(
    samples.map((s) => s.t),
    samples.map((s) => s.kb),
  );
  const kLate = slope(
    late.map((s) => s.t),
    late.map((s) => s.kb),
  );
  const lateGrowthKb = kLate * span;
  const toleranceKb = Math.max(0.2 * first, 16 * 1024);
  return {
    firstMb: mb(first),
    lastMb: mb(last),
    slopeKbPerMin: Math.round(k * 60),
    lateSlopeKbPerMin: Math.round(kLate * 60),
    lateGrowthKb: Math.round(lateGrowthKb),
    toleranceKb: Math.round(toleranceKb),
    leaking: last - first > toleranceKb && lateGrowthKb > toleranceKb,
    samples: samples.length,
  };
}

/** Every `everySeconds`-th sample's size in MB: the curve as reported. */
export function curve(samples: readonly Sample[], everySeconds = 30): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const s of samples) {
    if (s.t < next) continue;
    out.push([Math.round(s.t), mb(s.kb)]);
    next = s.t + everySeconds;
  }
  return out;
}
