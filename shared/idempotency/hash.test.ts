import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { requestHash } from './hash.js';

// The same JSON with its object keys in another order (a deterministic shuffle per seed), at every depth.
function reordered(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v, i) => reordered(v, seed + i + 1));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  let s = seed >>> 0;
  for (let i = keys.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  // fromEntries, not assignment: a key "__proto__" (JSON.parse makes it an own key) must stay a key.
  return Object.fromEntries(keys.map((k) => [k, reordered((value as Record<string, unknown>)[k], s + k.length)]));
}

const object = fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1, maxKeys: 8 });

describe('requestHash (canonical JSON, RFC 8785)', () => {
  it('does not depend on key order', () => {
    expect(requestHash({ a: 1, b: 2 })).toBe(requestHash({ b: 2, a: 1 }));
    expect(requestHash(JSON.parse('{"__proto__":1,"a":2}'))).toBe(requestHash(JSON.parse('{"a":2,"__proto__":1}')));
    expect(requestHash({ x: { a: 1, b: [{ c: 1, d: 2 }] } })).toBe(requestHash({ x: { b: [{ d: 2, c: 1 }], a: 1 } }));
  });

  it('key order and whitespace never change the hash (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (value, seed) => {
        const sent = JSON.parse(JSON.stringify(reordered(value, seed), null, 2)) as unknown;
        expect(requestHash(sent)).toBe(requestHash(value));
      }),
      { numRuns: 300 },
    );
  });

  it('a changed value changes the hash, at any key (property)', () => {
    fc.assert(
      fc.property(object, fc.nat(), (body, pick) => {
        const keys = Object.keys(body);
        const key = keys[pick % keys.length]!;
        // Wrapping the value in an array changes its JSON text, whatever the value.
        expect(requestHash({ ...body, [key]: [body[key]] })).not.toBe(requestHash(body));
      }),
      { numRuns: 300 },
    );
    expect(requestHash({ amount: 500 })).not.toBe(requestHash({ amount: 501 }));
    expect(requestHash({ amount: 500 })).not.toBe(requestHash({ amount: '500' }));
    expect(requestHash({ lines: [1, 2] })).not.toBe(requestHash({ lines: [2, 1] }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 1, b: null }));
  });

  it('refuses a body with no canonical form (a lone surrogate) as invalid input, not a 500', () => {
    let thrown: unknown;
    try {
      requestHash({ name: 'x\ud800x' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe('validation_failed');
  });
});
