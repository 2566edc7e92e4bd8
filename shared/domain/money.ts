// People type and read money in currency units ("12.50") and tax rates in percent ("20"); the API keeps
// integer minor units and basis points. These conversions are exact: strings in, integers out, no
// floating point on the way (0.1 + 0.2 never becomes a price).

const digitsOf = new Map<string, number>();

/** How many minor units a currency has (EUR 2, JPY 0, BHD 3), as Intl knows it. */
export function minorDigits(currency: string): number {
  let digits = digitsOf.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      return 2; // not a currency Intl knows: the API's schema will say so
    }
    digitsOf.set(currency, digits);
  }
  return digits;
}

/** "12.5" -> 1250 for EUR; undefined when the text is not an amount with at most the currency's digits. */
export function parseAmount(text: string, currency: string): number | undefined {
  return parseScaled(text, minorDigits(currency));
}

/** "20" -> 2000, "7.5" -> 750 basis points; at most two decimals. */
export function parsePercentToBp(text: string): number | undefined {
  return parseScaled(text, 2);
}

/** "3" -> 3: a count people type (units, days, a reorder level); undefined when it is not a whole number. */
export function parseWholeNumber(text: string): number | undefined {
  const m = /^\s*(\d{1,15})\s*$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

function parseScaled(text: string, digits: number): number | undefined {
  const m = /^\s*(\d{1,15})(?:[.,](\d*))?\s*$/.exec(text);
  if (!m) return undefined;
  const fraction = m[2] ?? '';
  if (fraction.length > digits) return undefined;
  const value = Number(m[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(value) ? value : undefined;
}

/** 1250 -> "12.50" for EUR: the text a form field starts with, plain digits, no grouping. */
export function amountText(minor: number, currency: string): string {
  return scaledText(minor, minorDigits(currency));
}

/** 2000 -> "20", 750 -> "7.5". */
export function bpToPercentText(bp: number): string {
  return scaledText(bp, 2).replace(/\.?0+$/, '') || '0';
}

function scaledText(value: number, digits: number): string {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (digits === 0) return `${sign}${abs}`;
  const unit = 10 ** digits;
  return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(digits, '0')}`;
}

/** 1250, EUR -> "€12.50" in the reader's locale. Minor units are divided exactly (digits <= 3). */
export function formatMoney(minor: number, currency: string, locale?: string): string {
  const digits = minorDigits(currency);
  return moneyFormatter(currency, digits, locale).format(Number(scaledText(minor, digits)));
}

// Made once per currency and locale: building an Intl.NumberFormat costs more than formatting with it
// (a tenth of an invoice PDF's CPU when it was made per amount). A currency Intl does not know throws
// here, at every call, as it did before; nothing is kept for it.
const formatters = new Map<string, Intl.NumberFormat>();

function moneyFormatter(currency: string, digits: number, locale: string | undefined): Intl.NumberFormat {
  const key = `${currency} ${locale ?? ''}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    formatters.set(key, f);
  }
  return f;
}
