// What may be received against a purchase order: a receipt names the order's lines by number, each at
// most once, and never takes in more of a line than is still open (ordered less received). We refuse
// over-receipt outright (no tolerance): goods beyond the order go back, or come in as an unordered
// receipt, which the ledger names as such. Each line enters stock at the order's unit cost.
import { inflowValue } from './stock-cost.js';

export interface OrderedLine {
  lineNo: number;
  sku: string;
  quantity: number;
  unitCost: number;
  received: number;
}

export interface ReceiptRequestLine {
  lineNo: number;
  quantity: number;
}

export interface ReceivedLine {
  lineNo: number;
  sku: string;
  quantity: number;
  unitCost: number;
  /** What the goods add to stock at cost: quantity x unit cost. */
  value: number;
}

export type ReceiptPlan =
  | { ok: true; lines: ReceivedLine[]; linesOpen: boolean }
  | {
      ok: false;
      code: 'unknown_line' | 'duplicate_line' | 'over_receipt';
      message: string;
      path: string;
      details?: { lineNo: number; sku: string; open: number; quantity: number };
    };

export const openQuantity = (line: OrderedLine) => line.quantity - line.received;

/** The receipt of `wanted` against `ordered`, or why it may not be; `linesOpen`: whether any line stays short after it. */
export function planReceipt(ordered: readonly OrderedLine[], wanted: readonly ReceiptRequestLine[]): ReceiptPlan {
  const byNo = new Map(ordered.map((l) => [l.lineNo, l]));
  const taking = new Map<number, number>();
  const lines: ReceivedLine[] = [];
  for (const [i, w] of wanted.entries()) {
    const line = byNo.get(w.lineNo);
    if (!line) return { ok: false, code: 'unknown_line', message: `the purchase order has no line ${w.lineNo}`, path: `lines.${i}.lineNo` };
    if (taking.has(w.lineNo)) return { ok: false, code: 'duplicate_line', message: `line ${w.lineNo} appears twice`, path: `lines.${i}.lineNo` };
    const open = openQuantity(line);
    if (w.quantity > open) {
      return {
        ok: false,
        code: 'over_receipt',
        path: `lines.${i}.quantity`,
        details: { lineNo: line.lineNo, sku: line.sku, open, quantity: w.quantity },
        message: `line ${line.lineNo} (${line.sku}): ${w.quantity} received, only ${open} still open`,
      };
    }
    taking.set(w.lineNo, w.quantity);
    lines.push({ lineNo: line.lineNo, sku: line.sku, quantity: w.quantity, unitCost: line.unitCost, value: inflowValue(w.quantity, line.unitCost) });
  }
  const linesOpen = ordered.some((l) => openQuantity(l) - (taking.get(l.lineNo) ?? 0) > 0);
  return { ok: true, lines, linesOpen };
}
