import { describe, expect, it } from 'vitest';
import { bic, companyProfile, countryCode, iban, language, postalAddress, vatId, vatIdProblem } from './parties.js';

const ok = <T>(schema: { safeParse: (v: unknown) => { success: boolean; data?: T } }, v: unknown) => schema.safeParse(v);

describe('party field checks', () => {
  it('takes ISO 3166-1 alpha-2 countries only, upper-cased', () => {
    expect(countryCode.parse('de')).toBe('DE');
    expect(countryCode.parse(' FR ')).toBe('FR');
    for (const bad of ['XX', 'DEU', 'D', 'UK', '12', '']) expect(ok(countryCode, bad).success, bad).toBe(false);
  });

  it('takes whole postal addresses of 1-3 street lines and names what is missing', () => {
    const a = { lines: ['Rue de Rivoli 1'], postalCode: '75001', city: 'Paris', country: 'fr' };
    expect(postalAddress.parse(a)).toEqual({ ...a, country: 'FR' });
    expect(ok(postalAddress, { ...a, lines: [] }).success).toBe(false);
    expect(ok(postalAddress, { ...a, lines: ['a', 'b', 'c', 'd'] }).success).toBe(false);
    const noCity = postalAddress.safeParse({ lines: a.lines, postalCode: a.postalCode, country: 'FR' });
    expect(noCity.error?.issues.map((i) => i.path.join('.'))).toEqual(['city']);
    expect(ok(postalAddress, { ...a, extra: 1 }).success).toBe(false);
  });

  it('accepts real VAT ids, normalised, with their check digits', () => {
    const valid: [string, string][] = [
      ['DE136695976', 'DE136695976'],
      ['de 136 695 976', 'DE136695976'],
      ['FR40303265045', 'FR40303265045'],
      ['BE0411905847', 'BE0411905847'],
      ['ATU13585627', 'ATU13585627'],
      ['IT00743110157', 'IT00743110157'],
      ['EL094259216', 'EL094259216'],
      ['NL004495445B01', 'NL004495445B01'],
      ['CHE-123.456.788', 'CHE123456788'],
      // A country jsvat-next has no rule for: the generic shape only.
      ['JP1234567890123', 'JP1234567890123'],
    ];
    for (const [given, stored] of valid) expect(vatId.parse(given), given).toBe(stored);
  });

  it('refuses VAT ids with a wrong check digit, format or prefix, saying which', () => {
    expect(vatIdProblem('DE136695977')).toMatch(/check digits/);
    expect(vatIdProblem('FR40303265046')).toMatch(/check digits/);
    expect(vatIdProblem('BE0411905848')).toMatch(/check digits/);
    expect(vatIdProblem('DE12345')).toMatch(/format/);
    expect(vatIdProblem('XX123456789')).toMatch(/not a country prefix/);
    expect(vatIdProblem('123456789')).toMatch(/two-letter country prefix/);
    expect(ok(vatId, 'DE136695977').success).toBe(false);
  });

  it('checks IBANs (mod 97, length) and stores them without spaces', () => {
    expect(iban.parse('DE89 3704 0044 0532 0130 00')).toBe('DE89370400440532013000');
    expect(iban.parse('gb82 west 1234 5698 7654 32')).toBe('GB82WEST12345698765432');
    expect(iban.parse('FR1420041010050500013M02606')).toBe('FR1420041010050500013M02606');
    for (const bad of ['DE89370400440532013001', 'DE8937040044053201300', 'XX00 0000 0000 0000 0000 00', 'hello'])
      expect(ok(iban, bad).success, bad).toBe(false);
  });

  it('checks BICs', () => {
    expect(bic.parse('cobadeffxxx')).toBe('COBADEFFXXX');
    expect(bic.parse('DEUTDEFF')).toBe('DEUTDEFF');
    for (const bad of ['DEUT', 'DEUTXXFF', 'COBADEFFXX', 'EXAMPLEXXX']) expect(ok(bic, bad).success, bad).toBe(false);
  });

  it('takes two-letter languages', () => {
    expect(language.parse('DE')).toBe('de');
    expect(ok(language, 'deu').success).toBe(false);
  });

  it('checks a company profile whole, emailOnIssue off by default', () => {
    const profile = companyProfile.parse({
      name: 'Kaffeerösterei GmbH',
      address: { lines: ['Hauptstraße 5'], postalCode: '10115', city: 'Berlin', country: 'DE' },
      vatId: 'DE136695976',
      taxRegistration: '30/123/45678',
      bank: { iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX' },
    });
    expect(profile.emailOnIssue).toBe(false);
    expect(profile.bank?.iban).toBe('DE89370400440532013000');
    const bad = companyProfile.safeParse({ ...profile, bank: { iban: 'DE89370400440532013001' } });
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['bank.iban']);
  });
});
