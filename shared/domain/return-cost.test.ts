import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { returnValue, type Returned } from './return-cost.js';

describe('returns restock at the cost they left with', () => {
  it('takes back the share of the shipment, rounding half up on the quantity returned so far', () => {
    const shipped = { quantity: 3, value: 100 };
    expect(returnValue(shipped, { quantity: 0, value: 0 }, 1)).toBe(33);
    expect(returnValue(shipped, { quantity: 1, value: 33 }, 1)).toBe(34); // 66.67 -> 67 so far
    expect(returnValue(shipped, { quantity: 2, value: 67 }, 1)).toBe(33); // the last unit: what is left
    expect(returnValue(shipped, { quantity: 0, value: 0 }, 3)).toBe(100);
    expect(returnValue({ quantity: 2, value: 0 }, { quantity: 0, value: 0 }, 2)).toBe(0); // shipped at no cost
    expect(returnValue({ quantity: 0, value: 0 }, { quantity: 0, value: 0 }, 1)).toBe(0); // nothing shipped
  });

  it('never loses or invents a cent: any split of the whole shipment gives back exactly its value, each part within bounds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 1_000_000_000_000 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 40 }),
        (quantity, value, parts) => {
          const shipped = { quantity, value };
          let before: Returned = { quantity: 0, value: 0 };
          for (const p of parts) {
            const q = Math.min(p, quantity - before.quantity);
            if (q <= 0) break;
            const v = returnValue(shipped, before, q);
            expect(v).toBeGreaterThanOrEqual(0);
            before = { quantity: before.quantity + q, value: before.value + v };
            expect(before.value).toBeLessThanOrEqual(value);
          }
          const rest = quantity - before.quantity;
          if (rest > 0) before = { quantity, value: before.value + returnValue(shipped, before, rest) };
          expect(before.value).toBe(value);
        },
      ),
    );
  });
});
