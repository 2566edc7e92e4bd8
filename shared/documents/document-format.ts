import { formatMoney } from '../domain/money.js';

// How every erpbi PDF prints amounts (in the document's currency) and days (ISO dates, read as UTC
// days), both in the document's locale: one place, so an invoice, a reminder and a purchase order agree.
//
// formatMoney keeps its formatters per currency and locale (shared/domain/money.ts); the day's is kept here.

interface Formats {
  money: (minor: number) => string;
  day: (iso: string) => string;
}

const made = new Map<string, Formats>();

export function documentFormat(currency: string, locale: string): Formats {
  const key = `${currency} ${locale}`;
  let formats = made.get(key);
  if (!formats) {
    const days = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
    formats = { money: (minor) => formatMoney(minor, currency, locale), day: (iso) => days.format(new Date(`${iso}T00:00:00Z`)) };
    made.set(key, formats);
  }
  return formats;
}
