import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openQuantity, planReceipt, type OrderedLine } from './purchase-receipt.js';
import { purchaseOrderStep, type PurchaseOrderStatus } from './purchase-order-lifecycle.js';

const order = (lines: [quantity: number, unitCost: number, received?: number][]): OrderedLine[] =>
  lines.map(([quantity, unitCost, received], i) => ({ lineNo: i + 1, sku: `S${i + 1}`, quantity, unitCost, received: received ?? 0 }));

describe('planReceipt', () => {
  it('takes in the lines named, at the order unit cost, and says whether any line stays open', () => {
    const ordered = order([
      [10, 250],
      [3, 1999, 1],
    ]);
    expect(planReceipt(ordered, [{ lineNo: 2, quantity: 2 }])).toEqual({
      ok: true,
      linesOpen: true,
      lines: [{ lineNo: 2, sku: 'S2', quantity: 2, unitCost: 1999, value: 3998 }],
    });
    const all = planReceipt(ordered, [
      { lineNo: 1, quantity: 10 },
      { lineNo: 2, quantity: 2 },
    ]);
    expect(all.ok && all.linesOpen).toBe(false);
  });

  it('refuses an unknown line, a line twice and more than is open, naming the field', () => {
    const ordered = order([
      [10, 250, 4],
      [3, 100],
    ]);
    expect(planReceipt(ordered, [{ lineNo: 3, quantity: 1 }])).toMatchObject({ ok: false, code: 'unknown_line', path: 'lines.0.lineNo' });
    expect(
      planReceipt(ordered, [
        { lineNo: 2, quantity: 1 },
        { lineNo: 2, quantity: 1 },
      ]),
    ).toMatchObject({ ok: false, code: 'duplicate_line', path: 'lines.1.lineNo' });
    expect(
      planReceipt(ordered, [
        { lineNo: 2, quantity: 1 },
        { lineNo: 1, quantity: 7 },
      ]),
    ).toEqual({
      ok: false,
      code: 'over_receipt',
      path: 'lines.1.quantity',
      details: { lineNo: 1, sku: 'S1', open: 6, quantity: 7 },
      message: 'line 1 (S1): 7 received, only 6 still open',
    });
  });

  it('never receives more than was ordered, and the order ends received exactly when every line is in (any sequence of receipts)', () => {
    const lines = fc.array(fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 10_000 })), { minLength: 1, maxLength: 4 });
    const attempts = fc.array(
      fc.array(fc.record({ lineNo: fc.integer({ min: 1, max: 4 }), quantity: fc.integer({ min: 1, max: 25 }) }), { minLength: 1, maxLength: 4 }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(lines, attempts, (spec, receipts) => {
        const ordered = order(spec);
        let status: PurchaseOrderStatus = 'sent';
        let value = 0;
        for (const wanted of receipts) {
          const plan = planReceipt(ordered, wanted);
          if (!plan.ok) continue;
          const step = purchaseOrderStep(status, 'receive', plan.linesOpen);
          if (!step.ok) {
            expect(status).toBe('received');
            continue;
          }
          for (const l of plan.lines) {
            const line = ordered.find((o) => o.lineNo === l.lineNo)!;
            line.received += l.quantity;
            expect(l.value).toBe(l.quantity * line.unitCost);
            value += l.value;
          }
          status = step.to;
        }
        for (const l of ordered) expect(openQuantity(l)).toBeGreaterThanOrEqual(0);
        expect(status === 'received').toBe(ordered.every((l) => openQuantity(l) === 0) && status !== 'sent');
        expect(value).toBe(ordered.reduce((s, l) => s + l.received * l.unitCost, 0));
      }),
    );
  });
});
