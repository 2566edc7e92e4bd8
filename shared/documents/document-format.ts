import { formatMoney } from '../domain/money.js';

// How every erpbi PDF prints amounts (in the document's currency) and days (ISO dates, read as UTC
// days), both in the document's locale: one place, so an invoice, a reminder and a purchase order agree.

export function documentFormat(currency: string, locale: string) {
  const days = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  return {
    money: (minor: number) => formatMoney(minor, currency, locale),
    day: (iso: string) => days.format(new Date(`${iso}T00:00:00Z`)),
  };
}
