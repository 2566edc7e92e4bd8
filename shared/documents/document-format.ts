import { formatMoney, minorDigits } from '../domain/money.js';

// How every erpbi PDF prints amounts (in the document's currency) and days (ISO dates, read as UTC
// days), both in the document's locale: one place, so an invoice, a reminder and a purchase order agree.
//
// The formatters are made once per currency and locale, not per amount: formatMoney builds two
// Intl.NumberFormat objects per call, a tenth of a render's CPU. Each prints what formatMoney prints:
// the same options, and minor / 10^digits is the same number as formatMoney's exact decimal text read
// back (both are the double nearest the exact amount; document-format.test.ts checks), and zero
// is never printed "-0.00".

interface Formats {
  money: (minor: number) => string;
  day: (iso: string) => string;
}

const made = new Map<string, Formats>();

export function documentFormat(currency: string, locale: string): Formats {
  const key = `${currency} ${locale}`;
  let formats = made.get(key);
  if (!formats) {
    formats = makeFormats(currency, locale);
    made.set(key, formats);
  }
  return formats;
}

function makeFormats(currency: string, locale: string): Formats {
  const days = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const digits = minorDigits(currency);
  let amounts: Intl.NumberFormat | undefined;
  try {
    amounts = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
  } catch {
    amounts = undefined; // a currency Intl does not know: formatMoney says so, per amount, as before
  }
  const unit = 10 ** digits;
  return {
    money: (minor) => (amounts ? amounts.format(minor === 0 ? 0 : minor / unit) : formatMoney(minor, currency, locale)),
    day: (iso) => days.format(new Date(`${iso}T00:00:00Z`)),
  };
}
