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
