import type { VatCategoryCode } from './parties.js';
import { taxOf, type PricedLine } from './pricing.js';

// A partial credit note's lines: the returned quantities at the invoice's prices and tax rates. Tax is
// rounded per line as pricing.ts does, but on the line's credited quantity so far: a note's tax on a line
// is tax(everything credited of it after the note) - tax(what was credited before). The parts therefore
// add up to exactly the invoice line's tax once all of it is credited, and never exceed it, however the
// quantity is split (rounding each part on its own could: three halves rounded up are more than one and a half).

export interface InvoicedLine extends PricedLine {
  /** As issued on the invoice line: a credit note takes back the same VAT treatment (absent on lines from before). */
  vatCategory?: VatCategoryCode | undefined;
  exemptionReason?: string | undefined;
}

export interface CreditedLine extends InvoicedLine {
  /** The invoice line it credits, 1-based (the order's line number). */
  lineNo: number;
}

export interface CreditNoteAmounts {
  lines: CreditedLine[];
  subtotal: number;
  tax: number;
  total: number;
}

export type CreditPlan = { ok: true; note: CreditNoteAmounts } | { ok: false; code: 'over_credit'; message: string; lineNo: number };

/** `already`: quantity credited before, by line number; `wanted`: quantity to credit now, by line number. */
export function creditLines(
  invoice: readonly InvoicedLine[],
  already: ReadonlyMap<number, number>,
  wanted: readonly { lineNo: number; quantity: number }[],
): CreditPlan {
  const lines: CreditedLine[] = [];
  for (const w of [...wanted].sort((a, b) => a.lineNo - b.lineNo)) {
    const line = invoice[w.lineNo - 1];
    const before = already.get(w.lineNo) ?? 0;
    if (!line || w.quantity <= 0 || before + w.quantity > line.quantity) {
      return { ok: false, code: 'over_credit', message: `line ${w.lineNo}: ${w.quantity} more would credit more than was invoiced`, lineNo: w.lineNo };
    }
    const after = before + w.quantity;
    // The last part takes what is left of the line as invoiced, to the cent.
    const netOf = (q: number) => (q === line.quantity ? line.net : line.unitPrice * q);
    const taxUpTo = (q: number) => (q === line.quantity ? line.tax : q === 0 ? 0 : taxOf(line.unitPrice * q, line.taxRateBp));
    const net = netOf(after) - netOf(before);
    const tax = taxUpTo(after) - taxUpTo(before);
    const treatment = {
      ...(line.vatCategory ? { vatCategory: line.vatCategory } : {}),
      ...(line.exemptionReason ? { exemptionReason: line.exemptionReason } : {}),
    };
    lines.push({
      lineNo: w.lineNo,
      sku: line.sku,
      name: line.name,
      quantity: w.quantity,
      unitPrice: line.unitPrice,
      taxRateBp: line.taxRateBp,
      net,
      tax,
      ...treatment,
    });
  }
  const subtotal = lines.reduce((s, l) => s + l.net, 0);
  const tax = lines.reduce((s, l) => s + l.tax, 0);
  return { ok: true, note: { lines, subtotal, tax, total: subtotal + tax } };
}
