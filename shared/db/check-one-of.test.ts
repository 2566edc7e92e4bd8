import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oneOf } from './check-one-of.js';

describe('oneOf: a CHECK over a status set', () => {
  it('lists each value quoted, in the order given', () => {
    expect(oneOf('status', ['open', 'partially_paid'])).toBe("status in ('open', 'partially_paid')");
  });

  it('refuses what is not a plain word, so no value can break out of its quotes', () => {
    expect(() => oneOf('status', ["open'); drop table x; --"])).toThrow(/plain word/);
    expect(() => oneOf('status; drop', ['open'])).toThrow(/column name/);
    expect(() => oneOf('status', [])).toThrow(/no values/);
  });

  it('takes every list of plain words and writes each exactly once', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z_]{1,12}$/), { minLength: 1, maxLength: 10 }), (values) => {
        const sql = oneOf('s', values);
        const back = [...sql.matchAll(/'([^']*)'/g)].map((m) => m[1]);
        expect(back).toEqual(values);
      }),
    );
  });
});
