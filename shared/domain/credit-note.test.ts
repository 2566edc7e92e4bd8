import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { creditLines, type InvoicedLine } from './credit-note.js';
import { applyCredit, applyRefund, balanceOf, statusOf, type InvoiceAmounts } from './invoice.js';
import { priceLine, totalsOf } from './pricing.js';

const invoiceLines = fc
  .array(
    fc.record({ unitPrice: fc.integer({ min: 0, max: 1_000_000 }), taxRateBp: fc.integer({ min: 0, max: 10_000 }), quantity: fc.integer({ min: 1, max: 50 }) }),
    { minLength: 1, maxLength: 6 },
  )
  .map((ls) => ls.map((l, i) => priceLine({ sku: `S${i}`, name: `n${i}`, unitPrice: l.unitPrice, currency: 'EUR', taxRateBp: l.taxRateBp }, l.quantity)));

/** Each line's quantity split into random parts, the parts of all lines interleaved. */
const splits = (lines: InvoicedLine[]) =>
  fc.tuple(...lines.map((l) => fc.array(fc.integer({ min: 1, max: l.quantity }), { maxLength: 6 }))).chain((perLine) => {
    const parts = perLine.flatMap((sizes, i) => {
      let left = lines[i]!.quantity;
      const out: { lineNo: number; quantity: number }[] = [];
      for (const s of sizes) {
        const q = Math.min(s, left);
        if (q > 0) out.push({ lineNo: i + 1, quantity: q });
        left -= q;
      }
      if (left > 0) out.push({ lineNo: i + 1, quantity: left });
      return out;
    });
    return fc.shuffledSubarray(parts, { minLength: parts.length, maxLength: parts.length });
  });

describe('partial credit notes', () => {
  it('credit the returned quantities at the invoice prices, tax rounded per line', () => {
    const lines = [priceLine({ sku: 'A', name: 'Apple', unitPrice: 1, currency: 'EUR', taxRateBp: 5000 }, 3)];
    expect(lines[0]!.tax).toBe(2); // 1.5 rounded up
    // One unit at a time: 1 (0.5 up), then 0 (1.0 - 1), then 1 (2 - 1): the line's 2, not 3.
    const credited = new Map<number, number>();
    const taxes: number[] = [];
    for (let n = 0; n < 3; n++) {
      const plan = creditLines(lines, credited, [{ lineNo: 1, quantity: 1 }]);
      if (!plan.ok) throw new Error(plan.message);
      taxes.push(plan.note.tax);
      credited.set(1, (credited.get(1) ?? 0) + 1);
    }
    expect(taxes).toEqual([1, 0, 1]);
    expect(creditLines(lines, credited, [{ lineNo: 1, quantity: 1 }])).toMatchObject({ ok: false, code: 'over_credit', lineNo: 1 });
  });

  it('never exceed the invoice total or tax to the cent, and crediting everything gives exactly its amounts', () => {
    fc.assert(
      fc.property(
        invoiceLines.chain((lines) => fc.tuple(fc.constant(lines), splits(lines))),
        ([lines, parts]) => {
          const totals = totalsOf(lines, 'EUR');
          const credited = new Map<number, number>();
          let net = 0;
          let tax = 0;
          for (const part of parts) {
            const plan = creditLines(lines, credited, [part]);
            if (!plan.ok) throw new Error(plan.message);
            credited.set(part.lineNo, (credited.get(part.lineNo) ?? 0) + part.quantity);
            net += plan.note.subtotal;
            tax += plan.note.tax;
            expect(plan.note.lines.every((l) => l.net >= 0 && l.tax >= 0)).toBe(true);
            expect(net).toBeLessThanOrEqual(totals.subtotal);
            expect(tax).toBeLessThanOrEqual(totals.tax);
          }
          expect([net, tax]).toEqual([totals.subtotal, totals.tax]);
        },
      ),
    );
  });
});

describe('an invoice credited and refunded', () => {
  it('keeps credited <= total, refunds only what was paid beyond what is left invoiced, and ends settled', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.array(fc.tuple(fc.constantFrom('pay', 'credit', 'refund'), fc.integer({ min: 1, max: 60_000 })), { maxLength: 30 }),
        (total, steps) => {
          let inv: InvoiceAmounts & { refunded: number } = { total, amountPaid: 0, credited: 0, refunded: 0, status: 'open' };
          for (const [kind, amount] of steps) {
            if (kind === 'pay' && balanceOf(inv) >= amount && inv.status !== 'credited') inv = { ...inv, amountPaid: inv.amountPaid + amount };
            if (kind === 'credit') {
              const r = applyCredit(inv, amount);
              expect(r.ok).toBe(inv.credited + amount <= total);
              if (r.ok) inv = { ...inv, credited: r.credited };
            }
            if (kind === 'refund') {
              const r = applyRefund(inv, amount);
              const owed = inv.amountPaid - inv.refunded - (total - inv.credited);
              expect(r.ok).toBe(owed > 0 && amount <= owed);
              if (r.ok) inv = { ...inv, refunded: r.refunded };
            }
            inv = { ...inv, status: statusOf(inv) };
            expect(inv.credited).toBeLessThanOrEqual(total);
            expect(inv.refunded).toBeLessThanOrEqual(inv.amountPaid);
            // The same limit as the invoices' check in Postgres (migration 013).
            expect(inv.refunded === 0 || balanceOf(inv) <= 0).toBe(true);
            expect(inv.status === 'credited').toBe(inv.credited === total);
          }
        },
      ),
    );
  });
});
