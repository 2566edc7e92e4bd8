import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planReturn, type ShippedLine } from './returns.js';

const shipped: ShippedLine[] = [
  { lineNo: 1, sku: 'A', name: 'Apple', quantity: 3, returned: 1 },
  { lineNo: 2, sku: 'B', name: 'Pear', quantity: 1, returned: 0 },
];
const line = (lineNo: number, quantity: number) => ({ lineNo, quantity, reason: 'damaged', disposition: 'restock' as const });

describe('what may be returned', () => {
  it('takes lines shipped and not yet returned, and names the field of what it refuses', () => {
    expect(planReturn(shipped, [line(1, 2), line(2, 1)])).toMatchObject({
      ok: true,
      lines: [
        { lineNo: 1, sku: 'A', quantity: 2 },
        { lineNo: 2, sku: 'B', quantity: 1 },
      ],
    });
    expect(planReturn(shipped, [line(1, 3)])).toMatchObject({ ok: false, code: 'over_return', path: 'lines.0.quantity', available: 2 });
    expect(planReturn(shipped, [line(2, 1), line(3, 1)])).toMatchObject({ ok: false, code: 'unknown_line', path: 'lines.1.lineNo' });
    expect(planReturn(shipped, [line(2, 1), line(2, 1)])).toMatchObject({ ok: false, code: 'duplicate_line', path: 'lines.1.lineNo' });
  });

  it('never lets the returns of a line add up to more than was shipped, whatever their sequence', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 10 })), { maxLength: 40 }),
        (quantities, attempts) => {
          const lines: ShippedLine[] = quantities.map((quantity, i) => ({ lineNo: i + 1, sku: `S${i}`, name: `n${i}`, quantity, returned: 0 }));
          for (const [lineNo, quantity] of attempts) {
            const plan = planReturn(lines, [line(lineNo, quantity)]);
            const target = lines[lineNo - 1];
            expect(plan.ok).toBe(target !== undefined && target.returned + quantity <= target.quantity);
            if (plan.ok) target!.returned += quantity;
          }
          for (const l of lines) expect(l.returned).toBeLessThanOrEqual(l.quantity);
        },
      ),
    );
  });
});
