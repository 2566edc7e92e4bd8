import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceLine, totalsOf } from './pricing.js';
import { applyPayment, documentNumber, invoiceDates, invoiceStatuses, isUnpaid, statusOf, taxSubtotals, type InvoiceStatus } from './invoice.js';

describe('invoice rules', () => {
  it('numbers as INV-<year>-<6 digits>', () => {
    expect(documentNumber('INV', 2026, 1)).toBe('INV-2026-000001');
    expect(documentNumber('INV', 2026, 123456)).toBe('INV-2026-123456');
  });

  it('dates the invoice on the UTC day and adds the payment terms', () => {
    expect(invoiceDates(new Date('2026-12-31T23:30:00Z'), 30)).toEqual({ issueDate: '2026-12-31', dueDate: '2027-01-30', year: 2026 });
    expect(invoiceDates(new Date('2026-02-28T00:00:00Z'), 1).dueDate).toBe('2026-03-01');
    expect(invoiceDates(new Date('2026-06-01T12:00:00Z'), 0).dueDate).toBe('2026-06-01');
  });

  it('applies payments up to the balance, refuses above it, and refuses a paid or credited invoice', () => {
    const open = { total: 1000, amountPaid: 0, credited: 0, status: 'open' as const };
    expect(applyPayment(open, 400)).toEqual({ ok: true, amountPaid: 400, balance: 600, status: 'partially_paid' });
    expect(applyPayment(open, 1000)).toEqual({ ok: true, amountPaid: 1000, balance: 0, status: 'paid' });
    expect(applyPayment(open, 1001)).toMatchObject({ ok: false, code: 'overpayment', balance: 1000 });
    expect(applyPayment({ ...open, status: 'credited', credited: 1000 }, 1)).toMatchObject({ ok: false, code: 'invoice_not_payable' });
    expect(applyPayment({ ...open, status: 'paid', amountPaid: 1000 }, 1)).toMatchObject({ ok: false, code: 'invoice_not_payable' });
  });

  it('never lets the amount paid exceed the total, whatever the sequence of payments', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 500_000 }), { maxLength: 30 }), (total, payments) => {
        let inv = { total, amountPaid: 0, credited: 0, status: 'open' as InvoiceStatus };
        for (const p of payments) {
          const r = applyPayment(inv, p);
          if (r.ok) inv = { ...inv, amountPaid: r.amountPaid, status: r.status };
          expect(inv.amountPaid).toBeLessThanOrEqual(total);
        }
        expect(inv.status === 'paid').toBe(inv.amountPaid === total);
      }),
    );
  });

  it('takes a payment only in an unpaid status, and every status it or a credit leads to is in the set', () => {
    const amounts = fc.record({
      total: fc.integer({ min: 1, max: 100_000 }),
      paid: fc.integer({ min: 0, max: 100_000 }),
      credited: fc.integer({ min: 0, max: 100_000 }),
    });
    fc.assert(
      fc.property(amounts, fc.constantFrom(...invoiceStatuses), fc.integer({ min: 1, max: 100_000 }), ({ total, paid, credited }, status, amount) => {
        const inv = { total, amountPaid: Math.min(paid, total), credited: Math.min(credited, total), status };
        const r = applyPayment(inv, amount);
        if (r.ok) {
          expect(isUnpaid(status)).toBe(true);
          expect(invoiceStatuses).toContain(r.status);
        } else if (!isUnpaid(status)) expect(r.code).toBe('invoice_not_payable');
        expect(invoiceStatuses).toContain(statusOf(inv));
      }),
    );
  });

  it('sums the tax summary per rate, lowest first, and the rows add up to the totals', () => {
    const line = (taxRateBp: number, net: number, tax: number) => ({ taxRateBp, net, tax });
    expect(taxSubtotals([line(2000, 500, 100), line(700, 1000, 70), line(700, 300, 21)])).toEqual([
      { vatCategory: 'S', taxRateBp: 700, net: 1300, tax: 91 },
      { vatCategory: 'S', taxRateBp: 2000, net: 500, tax: 100 },
    ]);
    // Two categories at the same rate are two rows (BG-23 is per category and rate).
    expect(
      taxSubtotals([{ ...line(0, 400, 0), vatCategory: 'AE', exemptionReason: 'Reverse charge' }, line(0, 100, 0), { ...line(0, 50, 0), vatCategory: 'AE' }]),
    ).toEqual([
      { vatCategory: 'AE', taxRateBp: 0, net: 450, tax: 0, exemptionReason: 'Reverse charge' },
      { vatCategory: 'Z', taxRateBp: 0, net: 100, tax: 0 },
    ]);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            unitPrice: fc.integer({ min: 0, max: 100_000 }),
            quantity: fc.integer({ min: 1, max: 50 }),
            taxRateBp: fc.constantFrom(0, 500, 700, 1900, 2000, 2100),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (specs) => {
          const lines = specs.map((s, i) =>
            priceLine({ sku: `S${i}`, name: 'x', currency: 'EUR', unitPrice: s.unitPrice, taxRateBp: s.taxRateBp }, s.quantity),
          );
          const totals = totalsOf(lines, 'EUR');
          const rows = taxSubtotals(lines);
          expect(rows.reduce((n, r) => n + r.net, 0)).toBe(totals.subtotal);
          expect(rows.reduce((n, r) => n + r.tax, 0)).toBe(totals.tax);
          expect(new Set(rows.map((r) => `${r.vatCategory}/${r.taxRateBp}`)).size).toBe(rows.length);
          expect(rows.map((r) => r.taxRateBp)).toEqual([...rows.map((r) => r.taxRateBp)].sort((a, b) => a - b));
        },
      ),
    );
  });
});
