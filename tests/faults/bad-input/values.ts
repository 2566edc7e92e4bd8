import fc from 'fast-check';

// Values of the wrong kind for each sort of field, and hostile values that may well be valid. Each
// generator says what it makes; the commands (commands-*.ts) put them field by field.

// ---- generators of values of the wrong kind ----
export const notAString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }),
);
export const notANumber = fc.oneof(
  fc.string(),
  fc.integer().map(String),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }),
);
export const controlChar = fc.constantFrom('\u0000', '\u0001', '\u0007', '\b', '\n', '\r', '\t', '\u001b', '\u007f', '\u0085', '\u009f');
export const loneSurrogate = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
export const wild = fc.string({ unit: 'binary', maxLength: 40 });
/** A string with something inside that the field must refuse (trimmed ends do not count). */
export const withInside = (bad: fc.Arbitrary<string>) => fc.tuple(wild, bad, wild).map(([a, b, c]) => `x${a}${b}${c}x`);

export function badInt(min: number, max: number) {
  return fc.oneof(
    notANumber,
    fc.integer({ min: -(2 ** 31), max: min - 1 }),
    fc.double({ min: min, max: Math.min(max, 1e6), noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
    fc.constantFrom(max + 1, 2 ** 53, 2 ** 53 + 2, 9.3e18, 1e21, 1e308, -1e308, -(2 ** 63), 5e-324),
  );
}
export function badText(max: number) {
  return fc.oneof(
    notAString,
    fc.constant(''),
    fc.constantFrom(' ', '\t \n', '\u3000'),
    withInside(controlChar),
    withInside(loneSurrogate),
    fc.string({ minLength: max + 1, maxLength: max + 40 }).map((s) => 'x'.repeat(max + 1) + s),
  );
}
/** ids and skus: letters, digits and a few marks; anything else (SQL, paths, unicode) is refused. */
export const badId = fc.oneof(
  notAString,
  fc.constant(''),
  withInside(fc.constantFrom(' ', "'", '"', ';', '/', '\\', '%', '*', '(', ')', 'é', '\u202e', '\u0000', '\ud83d\ude00')),
  fc.constantFrom("x' or '1'='1", 'x; drop table orders.orders; --', '../../etc/passwd', 'x%00', 'x\u0000y'),
  fc.string({ minLength: 101, maxLength: 140 }).map((s) => 'a'.repeat(101) + s.replace(/[^\w]/g, '')),
);
export const badCurrency = fc.oneof(notAString, fc.constantFrom('', 'eur', 'EURO', 'EU', 'E1R', 'ÉUR', ' EUR', 'EUR\u0000'));
export const badEmail = fc.oneof(
  notAString,
  fc.string({ maxLength: 30 }).filter((s) => !s.includes('@')),
  fc.constantFrom('a@', '@b.c', 'a@b@c.d', 'a b@c.d', 'x'.repeat(250) + '@e.com'),
);
export const badDate = fc.oneof(
  notAString,
  fc.constantFrom('2024-13-01', '2024-02-30', '0000-01-01', '1899-12-31', '3000-01-01', '20240101', 'yesterday', '2024-01-01T00:00:00Z', ''),
);
export const badEnumOf = (allowed: readonly string[]) =>
  fc.oneof(
    notAString,
    fc.string({ maxLength: 12 }).filter((s) => !allowed.includes(s)),
  );
export const badEnum = badEnumOf(['bank_transfer', 'card', 'cash', 'cheque', 'other']);
/** A list field: not a list, empty, or items of the wrong shape (`item` makes one bad item). */
export const badList = (item: fc.Arbitrary<unknown>, max: number) =>
  fc.oneof(
    notAString.filter((v) => !Array.isArray(v)),
    fc.constant([]),
    fc.array(item, { minLength: 1, maxLength: 3 }),
    fc.integer({ min: max + 1, max: max + 20 }).chain((n) => fc.array(item, { minLength: n, maxLength: n })),
  );
// Case and surrounding spaces are normalised on purpose ('de', ' DE' are Germany: shared/schemas/parties.ts);
// these stay wrong after that.
export const badCountry = fc.oneof(notAString, fc.constantFrom('', 'DEU', 'XX', 'ZZ', '1A', 'D E', 'DE.', 'd\u0000'));
export const badAddress = fc.oneof(
  notAString,
  fc.constant({}),
  fc.record({ lines: fc.constant(['Hauptstraße 5']), postalCode: fc.constant('10115'), city: fc.constant('Berlin'), country: badCountry }),
  fc.record({
    lines: fc.constantFrom([], ['a', 'b', 'c', 'd'], [''], [1]),
    postalCode: fc.constant('10115'),
    city: fc.constant('Berlin'),
    country: fc.constant('DE'),
  }),
  fc.record({ lines: fc.constant(['Hauptstraße 5']), postalCode: badText(20), city: fc.constant('Berlin'), country: fc.constant('DE') }),
);
export const address = { lines: ['Hauptstraße 5'], postalCode: '10115', city: 'Berlin', country: 'DE' };

// ---- hostile values that may be valid: never a 5xx; a 4xx writes nothing ----
export const hostileText = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }).map((s) => `a${s}`),
  fc.tuple(wild, loneSurrogate, wild).map(([a, b, c]) => `a${a}${b}${c}`),
  fc.constantFrom('Ω≈ç√∫', '𝕳𝖊𝖑𝖑𝖔', '\u202eevil', 'a\u200bb', '😀'.repeat(50), "Robert'); drop table orders.orders;--", '{"$ne":1}', 'ǅ\u0301\u0301\u0301'),
);
