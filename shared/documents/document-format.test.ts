import { describe, expect, it } from 'vitest';
import { formatMoney } from '../domain/money.js';
import { documentFormat } from './document-format.js';

// documentFormat keeps its formatters between documents: what it prints must stay what formatMoney prints.
describe('documentFormat', () => {
  const amounts = [0, 1, -1, 5, 99, 100, 101, 1250, -1250, 12_345_678, 999_999_999_99, 2 ** 53 - 1, -(2 ** 53 - 1)];
  for (let i = 0; i < 500; i++) amounts.push(Math.round(Math.sin(i) * 10 ** (i % 14)));

  for (const [currency, locale] of [
    ['EUR', 'en-GB'],
    ['EUR', 'de-DE'],
    ['JPY', 'ja-JP'],
    ['KWD', 'ar-KW'],
    ['CHF', 'de-CH'],
    ['PLN', 'pl-PL'],
  ] as const) {
    it(`prints ${currency} in ${locale} as formatMoney does`, () => {
      const { money } = documentFormat(currency, locale);
      for (const minor of amounts) expect(money(minor)).toBe(formatMoney(minor, currency, locale));
    });
  }

  it('answers the same formatters for the same currency and locale', () => {
    expect(documentFormat('EUR', 'en-GB')).toBe(documentFormat('EUR', 'en-GB'));
    expect(documentFormat('EUR', 'en-GB').day('2026-11-30')).toBe('30 Nov 2026');
  });
});
