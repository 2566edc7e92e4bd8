import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountText, bpToPercentText, formatMoney, minorDigits, parseAmount, parsePercentToBp, parseWholeNumber } from './money.js';

describe('money as people type it', () => {
  it('knows the minor digits of a currency', () => {
    expect(minorDigits('EUR')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('BHD')).toBe(3);
  });

  it('parses amounts exactly, with a dot or a comma', () => {
    expect(parseAmount('12.50', 'EUR')).toBe(1250);
    expect(parseAmount('12,5', 'EUR')).toBe(1250);
    expect(parseAmount(' 0.1 ', 'EUR')).toBe(10);
    expect(parseAmount('7', 'EUR')).toBe(700);
    expect(parseAmount('7.', 'EUR')).toBe(700);
    expect(parseAmount('1500', 'JPY')).toBe(1500);
    expect(parseAmount('1.234', 'BHD')).toBe(1234);
  });

  it('refuses what is not an amount in the currency', () => {
    for (const bad of ['', 'abc', '-1', '1.234', '1e3', '1.2.3', '12 50', '.5']) expect(parseAmount(bad, 'EUR')).toBeUndefined();
    expect(parseAmount('1.5', 'JPY')).toBeUndefined();
  });

  it('parses whole numbers, nothing else', () => {
    expect(parseWholeNumber(' 30 ')).toBe(30);
    expect(parseWholeNumber('0')).toBe(0);
    for (const bad of ['', '3.5', '3,', '-1', '1e3', 'abc', '1 000']) expect(parseWholeNumber(bad)).toBeUndefined();
  });

  it('parses percent to basis points', () => {
    expect(parsePercentToBp('20')).toBe(2000);
    expect(parsePercentToBp('7.5')).toBe(750);
    expect(parsePercentToBp('5.55')).toBe(555);
    expect(parsePercentToBp('5.555')).toBeUndefined();
    expect(bpToPercentText(2000)).toBe('20');
    expect(bpToPercentText(750)).toBe('7.5');
    expect(bpToPercentText(0)).toBe('0');
  });

  it('round-trips every amount through the text a form shows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000_000 }), fc.constantFrom('EUR', 'JPY', 'BHD', 'USD'), (minor, currency) => {
        expect(parseAmount(amountText(minor, currency), currency)).toBe(minor);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (bp) => {
        expect(parsePercentToBp(bpToPercentText(bp))).toBe(bp);
      }),
    );
  });

  it('formats in the currency with its digits', () => {
    expect(formatMoney(1250, 'EUR', 'en')).toBe('€12.50');
    expect(formatMoney(-4500, 'EUR', 'en')).toBe('-€45.00');
    expect(formatMoney(1500, 'JPY', 'en')).toBe('¥1,500');
    expect(formatMoney(123456789, 'USD', 'en')).toBe('$1,234,567.89');
  });
});
