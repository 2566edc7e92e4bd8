import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exceedsMaxTotal, priceLine, taxOf, totalsOf } from './pricing.js';

describe('pricing', () => {
  it('rounds tax per line half up', () => {
    expect(taxOf(1250, 2000)).toBe(250);
    expect(taxOf(5, 1000)).toBe(1); // 0.5 -> 1
    expect(taxOf(4, 1000)).toBe(0); // 0.4 -> 0
    expect(taxOf(15, 1000)).toBe(2); // 1.5 -> 2
    expect(taxOf(999, 0)).toBe(0);
    expect(taxOf(1, 10000)).toBe(1);
  });

  it('is exact beyond 2^53 intermediate products', () => {
    expect(taxOf(1_000_000_000_000, 2000)).toBe(200_000_000_000);
  });

  it('never loses a cent: the order tax is the sum of line taxes and each is within half a cent of exact', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            unitPrice: fc.integer({ min: 0, max: 1_000_000 }),
            quantity: fc.integer({ min: 1, max: 1000 }),
            taxRateBp: fc.integer({ min: 0, max: 10_000 }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (lines) => {
          const priced = lines.map((l, i) =>
            priceLine({ sku: `S${i}`, name: 'n', currency: 'EUR', unitPrice: l.unitPrice, taxRateBp: l.taxRateBp }, l.quantity),
          );
          const totals = totalsOf(priced, 'EUR');
          expect(totals.subtotal).toBe(priced.reduce((s, l) => s + l.unitPrice * l.quantity, 0));
          expect(totals.tax).toBe(priced.reduce((s, l) => s + l.tax, 0));
          expect(totals.total).toBe(totals.subtotal + totals.tax);
          for (const l of priced) {
            const exact = (l.net * l.taxRateBp) / 10_000;
            expect(Math.abs(l.tax - exact)).toBeLessThanOrEqual(0.5);
            expect(Number.isInteger(l.tax)).toBe(true);
          }
        },
      ),
    );
  });

  it('flags an order whose total could leave the safe integer range, and only such an order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            unitPrice: fc.integer({ min: 0, max: 1_000_000_000_000 }),
            quantity: fc.integer({ min: 1, max: 1_000_000 }),
            taxRateBp: fc.integer({ min: 0, max: 10_000 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        (lines) => {
          if (exceedsMaxTotal(lines)) return;
          const priced = lines.map((l, i) =>
            priceLine({ sku: `S${i}`, name: 'n', currency: 'EUR', unitPrice: l.unitPrice, taxRateBp: l.taxRateBp }, l.quantity),
          );
          expect(Number.isSafeInteger(totalsOf(priced, 'EUR').total)).toBe(true);
        },
      ),
    );
    expect(exceedsMaxTotal([{ unitPrice: 1_000_000_000_000, quantity: 9008, taxRateBp: 0 }])).toBe(true);
    expect(exceedsMaxTotal([{ unitPrice: 1_000_000_000_000, quantity: 9000, taxRateBp: 0 }])).toBe(false);
  });
});
