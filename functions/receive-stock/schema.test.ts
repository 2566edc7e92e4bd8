import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adjustmentBody, countBody } from './schema.js';

// The bodies of receive-stock/adjustment and /count: what they take and refuse (the use cases trust them:
// a signed quantity never 0, a unit cost only for goods found, counts never negative).
describe('receive-stock adjustment and count bodies', () => {
  it('takes a signed quantity with a reason, a unit cost only with a positive quantity', () => {
    expect(adjustmentBody.safeParse({ sku: 'A', quantity: -3, reason: 'damage' }).success).toBe(true);
    expect(adjustmentBody.safeParse({ sku: 'A', quantity: 2, reason: 'correction', unitCost: 150, note: 'found' }).success).toBe(true);
    const withCostOut = adjustmentBody.safeParse({ sku: 'A', quantity: -1, reason: 'theft', unitCost: 1 });
    expect(withCostOut.error?.issues.map((i) => i.path.join('.'))).toEqual(['unitCost']);
    expect(adjustmentBody.safeParse({ sku: 'A', quantity: 0, reason: 'count' }).error?.issues.map((i) => i.path.join('.'))).toEqual(['quantity']);
    expect(adjustmentBody.safeParse({ sku: 'A', quantity: 1, reason: 'lost' }).success).toBe(false);
    expect(adjustmentBody.safeParse({ sku: 'A', quantity: 1, reason: 'count', extra: 1 }).success).toBe(false);
  });

  it('parses any quantity in range but 0, and refuses every other number', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), (quantity) => {
        expect(adjustmentBody.safeParse({ sku: 'A', quantity, reason: 'correction' }).success).toBe(quantity !== 0);
      }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer({ min: 1_000_001 }), fc.integer({ max: -1_000_001 }), fc.string()), (quantity) => {
        fc.pre(!(Number.isInteger(quantity) && Math.abs(quantity as number) <= 1_000_000));
        expect(adjustmentBody.safeParse({ sku: 'A', quantity, reason: 'correction' }).success).toBe(false);
      }),
    );
  });

  it('takes counts of 0 and up, one to 5000 lines; anything else is refused, never thrown', () => {
    expect(
      countBody.safeParse({
        lines: [
          { sku: 'A', counted: 0 },
          { sku: 'B', counted: 7 },
        ],
        note: 'year end',
      }).success,
    ).toBe(true);
    for (const bad of [
      { lines: [] },
      { lines: [{ sku: 'A', counted: -1 }] },
      { lines: [{ sku: 'A' }] },
      { lines: Array.from({ length: 5001 }, (_, i) => ({ sku: `S${i}`, counted: 1 })) },
    ]) {
      expect(countBody.safeParse(bad).success).toBe(false);
    }
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        expect(() => countBody.safeParse(junk)).not.toThrow();
        expect(() => adjustmentBody.safeParse(junk)).not.toThrow();
      }),
    );
  });
});
