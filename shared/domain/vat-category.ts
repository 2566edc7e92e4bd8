import type { VatCategoryCode } from './parties.js';
import { bpToPercentText } from './money.js';

// Which EN 16931 VAT category (UNCL5305, BT-151) a sold line falls in, from the seller's country, the
// buyer's country and VAT id, and the product's rate (and exemption, when it has one). Pure; what it
// returns is priced as is (shared/orders/create-order.ts): the rate is the one charged, so the order's
// total, its invoice and its events agree. Intra-community supplies of services and goods are treated
// alike here (small firms sell both the same way); a firm with special regimes (margin scheme, OSS for
// distance sales above the threshold) needs more than this rule.

/** The 27 member states (ISO 3166-1 alpha-2; Greece is GR here, EL only as a VAT prefix). */
export const euMemberStates: ReadonlySet<string> = new Set([
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
]);

/** The exemption reason (BT-120) of a reverse-charged line. */
export const reverseChargeReason = 'Reverse charge';
/** The note (BT-22) an invoice with a reverse-charged line must carry (Article 226(11a), Directive 2006/112/EC). */
export const reverseChargeNote = 'VAT reverse charge: the buyer accounts for the VAT (Article 196, Council Directive 2006/112/EC)';
/** The exemption reason (BT-120) of a line exported outside the EU. */
export const exportReason = 'Export outside the EU';
/** The note of an invoice with an exported line (Article 146, Directive 2006/112/EC). */
export const exportNote = 'Export outside the EU: exempt from VAT (Article 146, Council Directive 2006/112/EC)';

export interface VatSituation {
  /** The seller's country; unknown (no company profile stored yet): every line is domestic, S or Z. */
  sellerCountry?: string | undefined;
  /** The buyer's country (its billing address); unknown: a domestic sale. */
  buyerCountry?: string | undefined;
  buyerVatId?: string | undefined;
  /** The product's rate in basis points. */
  rateBp: number;
  /** Set when the product is exempt (e.g. "Exempt medical care, Article 132(1)(c)"). */
  exemptionReason?: string | undefined;
}

export interface VatTreatment {
  category: VatCategoryCode;
  /** The rate charged: the product's for S, 0 for every other category. */
  rateBp: number;
  exemptionReason?: string;
  /** A note the invoice must carry because of this line. */
  note?: string;
}

export function vatCategory(s: VatSituation): VatTreatment {
  if (s.exemptionReason) return { category: 'E', rateBp: 0, exemptionReason: s.exemptionReason };
  const seller = s.sellerCountry;
  const buyer = s.buyerCountry;
  const crossBorder = seller !== undefined && buyer !== undefined && seller !== buyer && euMemberStates.has(seller);
  if (crossBorder && !euMemberStates.has(buyer)) return { category: 'G', rateBp: 0, exemptionReason: exportReason, note: exportNote };
  if (crossBorder && s.buyerVatId) return { category: 'AE', rateBp: 0, exemptionReason: reverseChargeReason, note: reverseChargeNote };
  // Same country, an EU consumer, or a seller outside the EU: the product's own rate.
  return s.rateBp > 0 ? { category: 'S', rateBp: s.rateBp } : { category: 'Z', rateBp: 0 };
}

/** A line's category; lines priced before categories were kept: standard when taxed, zero rated otherwise. */
export function categoryOf(line: { vatCategory?: VatCategoryCode | undefined; taxRateBp: number }): VatCategoryCode {
  return line.vatCategory ?? (line.taxRateBp > 0 ? 'S' : 'Z');
}

/** The notes a document must carry for its lines, each once, in a stable order. */
export function notesFor(lines: readonly { vatCategory?: VatCategoryCode | undefined; taxRateBp: number }[]): string[] {
  const categories = new Set(lines.map(categoryOf));
  return [...(categories.has('AE') ? [reverseChargeNote] : []), ...(categories.has('G') ? [exportNote] : [])];
}

const categoryNames: Record<VatCategoryCode, string> = {
  S: 'Tax',
  Z: 'Tax (zero rated, Z)',
  E: 'Exempt (E)',
  AE: 'Reverse charge (AE)',
  G: 'Export outside the EU (G)',
};

/** A row of the tax summary as printed and shown: "Tax 19 %", "Reverse charge (AE) 0 %", "Exempt (E) 0 %: <reason>". */
export function vatCategoryLabel(row: { vatCategory: VatCategoryCode; taxRateBp: number; exemptionReason?: string | undefined }): string {
  const reason = row.vatCategory === 'E' && row.exemptionReason ? `: ${row.exemptionReason}` : '';
  return `${categoryNames[row.vatCategory]} ${bpToPercentText(row.taxRateBp)} %${reason}`;
}
