import { AppError } from '../errors.js';
import type { BillingDocument, DocumentLine } from '../documents/model.js';
import type { PostalAddress, VatCategoryCode } from '../domain/parties.js';
import { amountText, bpToPercentText, minorDigits } from '../domain/money.js';
import { xmlText } from './xml.js';

// What an EN 16931 e-invoice says, once, from a BillingDocument: the semantic model (BT-/BG- numbers)
// both syntaxes write out (ubl.ts, cii.ts). Amounts are decimals in currency units with the currency's
// digits; nothing is computed again that the document already states (its totals, its lines' tax).

export interface EParty {
  name: string;
  address: PostalAddress;
  vatId?: string | undefined;
  email?: string | undefined;
}

export interface EVatBreakdown {
  category: VatCategoryCode;
  /** BT-119, percent as text ("19", "7.5", "0"). */
  rate: string;
  taxable: string;
  tax: string;
  /** BT-121 / BT-120: why no VAT (E, AE, G only: BR-S-10 and BR-Z-10 forbid one on S and Z). */
  exemptionCode?: string | undefined;
  exemptionReason?: string | undefined;
}

export interface ELine {
  id: string;
  sku: string;
  name: string;
  quantity: string;
  price: string;
  net: string;
  category: VatCategoryCode;
  rate: string;
}

export interface EInvoice {
  /** BT-3: 380 commercial invoice, 381 credit note. */
  typeCode: '380' | '381';
  number: string;
  issueDate: string;
  dueDate?: string | undefined;
  currency: string;
  /** BT-13: erpbi's order, the reference a buyer's accounts payable matches on (Peppol asks for BT-10 or BT-13). */
  orderReference: string;
  notes: string[];
  /** BT-25/BT-26: the invoice a credit note credits. */
  preceding?: { number: string; issueDate: string } | undefined;
  seller: EParty & { phone?: string | undefined; taxRegistration?: string | undefined };
  buyer: EParty & { id: string };
  payment: {
    /**
     * BG-16, invoices only (on a credit note the money goes the other way, to an account erpbi does not
     * know): BT-81 58 SEPA credit transfer to the seller's IBAN, or 1 (not defined) without one (BR-61:
     * 58 needs the account); BT-83 the remittance information, the invoice's number.
     */
    means?: { code: '58' | '1'; remittance: string; account?: { iban: string; name?: string | undefined; bic?: string | undefined } | undefined } | undefined;
    /** BT-20 (BR-CO-25: with an amount due, a due date or terms). */
    terms: string;
  };
  lines: ELine[];
  vat: EVatBreakdown[];
  totals: { lineTotal: string; taxExclusive: string; tax: string; taxInclusive: string; prepaid: string; payable: string };
}

/** VATEX codes (CEF's code list for BT-121) and the standard texts BR-AE-10 and BR-G-10 accept. */
const exemption: Partial<Record<VatCategoryCode, { code: string; text: string }>> = {
  AE: { code: 'VATEX-EU-AE', text: 'Reverse charge' },
  G: { code: 'VATEX-EU-G', text: 'Export outside the EU' },
};

/**
 * What the document lacks to be an EN 16931 e-invoice, as field paths (empty when it is complete):
 * documents issued before addresses were kept, a seller without a VAT id, a reverse charge without the
 * buyer's VAT id. The business rules each one answers are named beside it.
 */
export function missingForEInvoice(doc: BillingDocument): string[] {
  const missing: string[] = [];
  const party = (who: 'seller' | 'buyer') => {
    const p = doc[who];
    if (!xmlText(p.name).trim()) missing.push(`${who}.name`); // BR-06, BR-07
    if (!p.address)
      missing.push(`${who}.address`); // BR-08, BR-10
    else if (!/^[A-Z]{2}$/.test(p.address.country)) missing.push(`${who}.address.country`); // BR-09, BR-11
  };
  party('seller');
  party('buyer');
  const categories = new Set(doc.lines.map((l) => l.vatCategory));
  // BR-S-02, BR-Z-02, BR-E-02, BR-AE-02: a VAT id or a tax registration; BR-G-02: the VAT id itself.
  if (!doc.seller.vatId && (categories.has('G') || !doc.seller.taxRegistration)) missing.push('seller.vatId');
  else if (doc.seller.vatId && !countryPrefixed(doc.seller.vatId)) missing.push('seller.vatId'); // BR-CO-09
  if (categories.has('AE') && !doc.buyer.vatId)
    missing.push('buyer.vatId'); // BR-AE-02
  else if (doc.buyer.vatId && !countryPrefixed(doc.buyer.vatId)) missing.push('buyer.vatId'); // BR-CO-09
  doc.lines.forEach((l, i) => {
    if (l.vatCategory === 'E' && !l.exemptionReason?.trim()) missing.push(`lines.${i}.exemptionReason`); // BR-E-10
    // BR-S-05: a standard rate above zero; BR-Z/E/AE/G-05: zero.
    if ((l.vatCategory === 'S') !== l.taxRateBp > 0) missing.push(`lines.${i}.taxRateBp`);
  });
  if (doc.lines.length === 0) missing.push('lines'); // BR-16
  const digits = minorDigits(doc.currency);
  if (digits > 2)
    missing.push('currency'); // BR-DEC-*: at most two decimals
  else if (vatBreakdown(doc.lines).some((g) => !taxWithinTolerance(g, digits))) missing.push('tax'); // BR-S-09, BR-CO-17
  return missing;
}

const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** BR-CO-09: a VAT id begins with its country's ISO 3166-1 code (Greece's EL, Northern Ireland's XI). */
function countryPrefixed(vatId: string): boolean {
  const prefix = vatId.slice(0, 2);
  if (prefix === 'EL' || prefix === 'XI') return true;
  return /^[A-Z]{2}$/.test(prefix) && regions.of(prefix) !== undefined;
}

/**
 * BR-S-09 / BR-CO-17: a breakdown's tax (here the sum of its lines' tax, each rounded by pricing.ts)
 * must be within one currency unit, exclusive, of its taxable amount x rate rounded to two decimals.
 * Per-line rounding moves at most half a minor unit a line: with two digits and at most 100 lines
 * (create-order's limit) never a whole unit; in a currency without minor units (JPY) two lines may.
 * Exact, in hundredths of the currency unit.
 */
function taxWithinTolerance(g: VatGroup, digits: number): boolean {
  const unit = 10n ** BigInt(digits);
  const scaled = BigInt(g.net) * BigInt(g.rateBp); // the exact tax x 10000, in minor units
  const divisor = 100n * unit; // -> hundredths of a currency unit
  const expected = scaled >= 0n ? (scaled * 2n + divisor) / (2n * divisor) : -((-scaled * 2n + divisor) / (2n * divisor));
  const stated = BigInt(g.tax) * 100n; // minor units -> hundredths x unit
  const diff = stated - expected * unit;
  return (diff < 0n ? -diff : diff) < 100n * unit;
}

/** The e-invoice of a complete document; `einvoice_incomplete` (422) naming what it lacks otherwise. */
export function toEInvoice(doc: BillingDocument): EInvoice {
  const missing = missingForEInvoice(doc);
  if (missing.length > 0) throw incomplete(doc, missing);
  return mapDocument(doc);
}

/**
 * The mapping itself, unchecked: for tests that hold missingForEInvoice to the official rules (what it
 * refuses, they must reject). Writers use toEInvoice.
 */
export function mapDocument(doc: BillingDocument): EInvoice {
  const money = (minor: number) => amountText(minor, doc.currency);
  const seller = doc.seller;
  const buyer = doc.buyer;
  const credit = doc.kind === 'credit_note';
  return {
    typeCode: credit ? '381' : '380',
    number: doc.number,
    issueDate: doc.issueDate,
    dueDate: doc.dueDate,
    currency: doc.currency,
    orderReference: doc.orderId,
    notes: [...doc.notes, ...(doc.reason ? [doc.reason] : [])],
    preceding: doc.credits,
    seller: {
      name: seller.name,
      address: seller.address ?? noAddress,
      vatId: seller.vatId,
      email: seller.email,
      phone: seller.phone,
      taxRegistration: seller.taxRegistration,
    },
    buyer: { id: buyer.id, name: buyer.name, address: buyer.address ?? noAddress, vatId: buyer.vatId, email: buyer.email },
    payment: {
      means: credit
        ? undefined
        : {
            code: seller.bank ? '58' : '1',
            remittance: doc.number,
            account: seller.bank && { iban: seller.bank.iban.replace(/\s+/g, ''), name: seller.bank.name, bic: seller.bank.bic },
          },
      terms: credit
        ? `${doc.credits ? `Credit for invoice ${doc.credits.number}: r` : 'R'}efunded or set off against open invoices`
        : doc.paymentTermsDays !== undefined
          ? `${doc.paymentTermsDays} days net`
          : `Due ${doc.dueDate ?? doc.issueDate}`,
    },
    lines: doc.lines.map((l, i) => ({
      id: String(i + 1),
      sku: l.sku,
      name: l.name,
      quantity: String(l.quantity),
      price: money(l.unitPrice),
      net: money(l.net),
      category: l.vatCategory,
      rate: bpToPercentText(l.taxRateBp),
    })),
    vat: vatBreakdown(doc.lines).map((g) => ({
      category: g.category,
      rate: bpToPercentText(g.rateBp),
      taxable: money(g.net),
      tax: money(g.tax),
      exemptionCode: exemption[g.category]?.code,
      exemptionReason: g.reasons.length > 0 ? g.reasons.join('; ') : exemption[g.category]?.text,
    })),
    totals: {
      lineTotal: money(doc.subtotal),
      taxExclusive: money(doc.subtotal),
      tax: money(doc.tax),
      taxInclusive: money(doc.total),
      prepaid: money(doc.total - doc.amountDue),
      payable: money(doc.amountDue),
    },
  };
}

export function incomplete(doc: Pick<BillingDocument, 'number'>, missing: string[]): AppError {
  return new AppError('einvoice_incomplete', `${doc.number} cannot be an EN 16931 e-invoice: it lacks ${missing.join(', ')}`, { missing });
}

/** Only for mapDocument on a document toEInvoice would refuse: an address with nothing in it. */
const noAddress: PostalAddress = { lines: [], postalCode: '', city: '', country: '' };

interface VatGroup {
  category: VatCategoryCode;
  rateBp: number;
  net: number;
  tax: number;
  reasons: string[];
}

/**
 * BG-23: one group per VAT category and rate (BR-S-08, BR-E-01 ...), in the order first met. Tax is
 * the sum of the lines' tax as issued (rounded per line, shared/domain/pricing.ts), so the breakdown
 * adds up to the document's tax to the cent.
 */
export function vatBreakdown(lines: DocumentLine[]): VatGroup[] {
  const groups = new Map<string, VatGroup>();
  for (const l of lines) {
    const key = `${l.vatCategory}/${l.taxRateBp}`;
    const g = groups.get(key) ?? { category: l.vatCategory, rateBp: l.taxRateBp, net: 0, tax: 0, reasons: [] };
    g.net += l.net;
    g.tax += l.tax;
    const reason = l.exemptionReason?.trim();
    if (reason && l.vatCategory !== 'S' && l.vatCategory !== 'Z' && !g.reasons.includes(reason)) g.reasons.push(reason);
    groups.set(key, g);
  }
  return [...groups.values()];
}
