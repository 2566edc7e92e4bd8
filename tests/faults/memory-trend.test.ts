import { describe, expect, it } from 'vitest';
import { memoryTrend, type Sample } from './memory-trend.js';

// The load test's memory verdict on curves of known shape: it must fail a leak and pass a cache that
// filled, however far each rose (issue 21: nats-server 42.5 -> 63.7 MB over a 300 s hold).
const hold = 300;
const at = (f: (t: number) => number): Sample[] => Array.from({ length: hold + 1 }, (_, t) => ({ t, kb: Math.round(f(t) * 1024) }));
// A deterministic wobble of a few MB, as a garbage-collected heap breathes.
const wobble = (t: number) => 3 * Math.sin(t / 7) + 2 * Math.sin(t / 2.3);

describe('memory under a held load: a leak or a warm-up', () => {
  it('a leak: a rise like that one (thirds 21 MB apart) at a steady pace to the end', () => {
    const leak = memoryTrend(at((t) => 42.5 + (31.8 * t) / hold + wobble(t)));
    expect(leak.lastMb - leak.firstMb).toBeGreaterThan(16);
    expect(leak.leaking).toBe(true);
  });

  it('a warm-up: a larger rise, over by the middle of the hold, then flat', () => {
    const levelled = memoryTrend(at((t) => 42.5 + 30 * Math.min(1, t / 150) + wobble(t)));
    expect(levelled.lastMb - levelled.firstMb).toBeGreaterThan(16); // the old check (last third over the first by 16 MB and 20%) failed this
    expect(levelled.leaking).toBe(false);
  });

  it('a cache filling slowly (exponential approach) is a warm-up; a leak starting late is a leak', () => {
    expect(memoryTrend(at((t) => 42.5 + 25 * (1 - Math.exp(-t / 50)) + wobble(t))).leaking).toBe(false);
    expect(memoryTrend(at((t) => 42.5 + (t > 150 ? (30 * (t - 150)) / 150 : 0) + wobble(t))).leaking).toBe(true);
  });

  it('a short hold whose last seconds climb a sawtooth, with little growth overall, is no leak', () => {
    // The connector in a 45 s hold (2026-12-07): 102.5 -> 109.9 MB, the last 20 s at +36 MB/min.
    const short = Array.from({ length: 46 }, (_, t) => ({ t, kb: Math.round((102.5 + (t > 25 ? (t - 25) * 0.6 : 0) + wobble(t) / 3) * 1024) }));
    expect(memoryTrend(short).lateSlopeKbPerMin).toBeGreaterThan(16 * 1024);
    expect(memoryTrend(short).leaking).toBe(false);
  });

  it('a flat heap that breathes, and a heap that shrinks, are no leak', () => {
    expect(memoryTrend(at((t) => 150 + 4 * wobble(t))).leaking).toBe(false);
    expect(memoryTrend(at((t) => 160 - (10 * t) / hold)).leaking).toBe(false);
  });
});
