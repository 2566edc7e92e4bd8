// What may be returned: a return names lines of a fulfilled order by number, each at most once, and
// never brings back more of a line than was shipped less what earlier returns brought back. Fulfilment
// ships every line in full, so a line's shipped quantity is its ordered quantity.

/** What becomes of a returned line: back on the shelf, or written off. orders.return_lines' CHECK is held
 *  equal to this (tests/integration/status-constraints.test.ts): a change here needs a migration. */
export const dispositions = ['restock', 'scrap'] as const;
export type Disposition = (typeof dispositions)[number];

export interface ShippedLine {
  lineNo: number;
  sku: string;
  name: string;
  quantity: number;
  returned: number;
}

export interface ReturnRequestLine {
  lineNo: number;
  quantity: number;
  reason: string;
  disposition: Disposition;
}

export type ReturnPlan =
  | { ok: true; lines: (ReturnRequestLine & { sku: string; name: string })[] }
  | { ok: false; code: 'unknown_line' | 'duplicate_line' | 'over_return'; message: string; path: string; available?: number };

export function planReturn(shipped: readonly ShippedLine[], wanted: readonly ReturnRequestLine[]): ReturnPlan {
  const byNo = new Map(shipped.map((l) => [l.lineNo, l]));
  const seen = new Set<number>();
  const lines: (ReturnRequestLine & { sku: string; name: string })[] = [];
  for (const [i, w] of wanted.entries()) {
    const line = byNo.get(w.lineNo);
    if (!line) return { ok: false, code: 'unknown_line', message: `the order has no line ${w.lineNo}`, path: `lines.${i}.lineNo` };
    if (seen.has(w.lineNo)) return { ok: false, code: 'duplicate_line', message: `line ${w.lineNo} appears twice`, path: `lines.${i}.lineNo` };
    seen.add(w.lineNo);
    const available = line.quantity - line.returned;
    if (w.quantity > available) {
      return {
        ok: false,
        code: 'over_return',
        message: `line ${w.lineNo}: ${w.quantity} asked, ${available} shipped and not yet returned`,
        path: `lines.${i}.quantity`,
        available,
      };
    }
    lines.push({ ...w, sku: line.sku, name: line.name });
  }
  return { ok: true, lines };
}
