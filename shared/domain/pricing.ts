// Integer minor units only. Tax is computed per line and rounded half up (a line's half cent goes to
// the tax authority), then summed: the order's tax is the sum of its lines' tax, to the cent.

export interface PricedProduct {
  sku: string;
  name: string;
  unitPrice: number;
  currency: string;
  taxRateBp: number;
}

export interface PricedLine {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
  taxRateBp: number;
  net: number;
  tax: number;
}

export interface Totals {
  currency: string;
  subtotal: number;
  tax: number;
  total: number;
}

/** round(amount * bp / 10000), halves away from zero; exact in BigInt whatever the size. */
export function taxOf(net: number, rateBp: number): number {
  const product = BigInt(net) * BigInt(rateBp);
  const quotient = (product * 2n + 10000n) / 20000n;
  return Number(quotient);
}

/** The largest order total taken: every amount stays exact in a JS number and in a Postgres bigint. */
export const maxOrderTotal = Number.MAX_SAFE_INTEGER;

/** True when the lines' total with tax (each line's tax rounded up by at most half a cent) may exceed maxOrderTotal. */
export function exceedsMaxTotal(lines: { unitPrice: number; taxRateBp: number; quantity: number }[]): boolean {
  const grossTimes10k = lines.reduce((s, l) => s + BigInt(l.unitPrice) * BigInt(l.quantity) * BigInt(10_000 + l.taxRateBp) + 5_000n, 0n);
  return grossTimes10k > BigInt(maxOrderTotal) * 10_000n;
}

export function priceLine(product: PricedProduct, quantity: number): PricedLine {
  const net = product.unitPrice * quantity;
  if (!Number.isSafeInteger(net)) throw new RangeError('line amount exceeds the safe integer range');
  return {
    sku: product.sku,
    name: product.name,
    quantity,
    unitPrice: product.unitPrice,
    taxRateBp: product.taxRateBp,
    net,
    tax: taxOf(net, product.taxRateBp),
  };
}

export function totalsOf(lines: PricedLine[], currency: string): Totals {
  const subtotal = lines.reduce((s, l) => s + l.net, 0);
  const tax = lines.reduce((s, l) => s + l.tax, 0);
  return { currency, subtotal, tax, total: subtotal + tax };
}
