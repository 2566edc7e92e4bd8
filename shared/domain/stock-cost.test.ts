import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { averageCost, outflowValue, valueDelta, type Valued } from './stock-cost.js';

describe('stock at moving weighted average cost', () => {
  it('averages receipts and takes the average out, rounding half up', () => {
    let level: Valued = { onHand: 0, value: 0 };
    const move = (q: number, cost = 0) => {
      const d = valueDelta(level, q, cost);
      level = { onHand: level.onHand + q, value: level.value + d };
      return d;
    };
    move(10, 100); // 1000
    move(5, 130); // 1650 for 15: average 110
    expect(averageCost(level)).toBe(110);
    expect(move(-1)).toBe(-110);
    expect(outflowValue({ onHand: 3, value: 100 }, 1)).toBe(33);
    expect(outflowValue({ onHand: 3, value: 101 }, 2)).toBe(67); // 67.33
    expect(outflowValue({ onHand: 2, value: 3 }, 1)).toBe(2); // 1.5 -> 2
    expect(outflowValue({ onHand: 3, value: 100 }, 3)).toBe(100); // the last units take what is left
    expect(averageCost({ onHand: 0, value: 0 })).toBeNull();
  });

  it('is exact past 2^53 intermediate products', () => {
    expect(outflowValue({ onHand: 1_000_000, value: 9_000_000_000_000 }, 999_999)).toBe(8_999_991_000_000);
  });

  it('never loses a cent: the value is the sum of the movements, never negative, and nothing on hand is worth nothing', () => {
    const step = fc.oneof(
      fc.record({ in: fc.integer({ min: 1, max: 1000 }), cost: fc.integer({ min: 0, max: 1_000_000 }) }),
      fc.record({ out: fc.integer({ min: 1, max: 1000 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        let level: Valued = { onHand: 0, value: 0 };
        let sum = 0;
        for (const s of steps) {
          const q = 'in' in s ? s.in : -Math.min(s.out, level.onHand);
          const d = valueDelta(level, q, 'in' in s ? s.cost : 0);
          sum += d;
          level = { onHand: level.onHand + q, value: level.value + d };
          expect(level.value).toBe(sum);
          expect(level.value).toBeGreaterThanOrEqual(0);
          if (level.onHand === 0) expect(level.value).toBe(0);
          const avg = averageCost(level);
          if (avg !== null) expect(avg).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});
