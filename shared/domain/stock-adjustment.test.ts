import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planAdjustment, type AdjustableLevel } from './stock-adjustment.js';

const level = (onHand: number, value: number, reserved = 0, lastUnitCost: number | null = null): AdjustableLevel => ({ onHand, value, reserved, lastUnitCost });

describe('stock adjustments', () => {
  it('takes losses out at average cost and values finds at the cost given, else average, else the last receipt, else nothing', () => {
    expect(planAdjustment(level(10, 1000), -3)).toEqual({ ok: true, quantityDelta: -3, valueDelta: -300 });
    expect(planAdjustment(level(3, 100), -3)).toEqual({ ok: true, quantityDelta: -3, valueDelta: -100 }); // the last units take what is left
    expect(planAdjustment(level(10, 1000), 2, 250)).toEqual({ ok: true, quantityDelta: 2, valueDelta: 500 });
    expect(planAdjustment(level(10, 1000), 2)).toEqual({ ok: true, quantityDelta: 2, valueDelta: 200 });
    expect(planAdjustment(level(0, 0, 0, 70), 2)).toEqual({ ok: true, quantityDelta: 2, valueDelta: 140 });
    expect(planAdjustment(level(0, 0), 2)).toEqual({ ok: true, quantityDelta: 2, valueDelta: 0 });
  });

  it('never takes on-hand below reserved', () => {
    expect(planAdjustment(level(10, 1000, 8), -3)).toEqual({ ok: false, code: 'below_reserved', onHand: 10, reserved: 8, quantity: -3 });
    expect(planAdjustment(level(10, 1000, 8), -2)).toMatchObject({ ok: true, valueDelta: -200 });
    expect(planAdjustment(level(1, 50), -2)).toMatchObject({ ok: false, code: 'below_reserved' });
  });

  it('keeps on-hand >= reserved, the value >= 0, and nothing on hand worth nothing, over any sequence', () => {
    const step = fc.record({
      q: fc.integer({ min: -500, max: 500 }).filter((q) => q !== 0),
      cost: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.array(step, { maxLength: 50 }), (reserved, steps) => {
        let l = level(reserved, reserved * 10, reserved);
        for (const s of steps) {
          const plan = planAdjustment(l, s.q, s.q > 0 ? s.cost : undefined);
          if (!plan.ok) {
            expect(l.onHand + s.q).toBeLessThan(l.reserved);
            continue;
          }
          l = { ...l, onHand: l.onHand + plan.quantityDelta, value: l.value + plan.valueDelta };
          expect(l.onHand).toBeGreaterThanOrEqual(l.reserved);
          expect(l.value).toBeGreaterThanOrEqual(0);
          if (l.onHand === 0) expect(l.value).toBe(0);
        }
      }),
    );
  });
});
