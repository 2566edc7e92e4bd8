import { afterEach, describe, expect, it } from 'vitest';
import { AnswerCache, answerCacheLimits } from './answer-cache.js';

describe('the answer cache', () => {
  const limit = answerCacheLimits.rows;
  afterEach(() => void (answerCacheLimits.rows = limit));

  it('serves an answer at the watermark it was read at, and drops everything when the watermark changes', () => {
    const cache = new AnswerCache<number[]>();
    const before = { seq: 1 };
    expect(cache.get(before, 'q')).toBeUndefined();
    cache.set(before, 'q', [1, 2]);
    expect(cache.get(before, 'q')).toEqual([1, 2]);
    const after = { seq: 1 }; // a new watermark object: a batch applied, the file reopened
    expect(cache.get(after, 'q')).toBeUndefined();
    expect(cache.get(before, 'q')).toBeUndefined();
  });

  it('freezes what it keeps, since every caller shares it', () => {
    const cache = new AnswerCache<{ n: number }[]>();
    const mark = {};
    cache.get(mark, 'q');
    cache.set(mark, 'q', [{ n: 1 }]);
    const kept = cache.get(mark, 'q')!;
    expect(() => (kept[0]!.n = 2)).toThrow(TypeError);
    expect(cache.get(mark, 'q')).toEqual([{ n: 1 }]);
  });

  it('keeps nothing read at a watermark that is no longer the latest', () => {
    const cache = new AnswerCache<number[]>();
    const old = { seq: 1 };
    cache.get(old, 'q');
    cache.get({ seq: 2 }, 'q');
    cache.set(old, 'q', [1]);
    expect(cache.get(old, 'q')).toBeUndefined();
  });

  it('holds at most its rows, the least recently used going first; empty answers count too', () => {
    answerCacheLimits.rows = 6;
    const cache = new AnswerCache<number[]>();
    const mark = {};
    cache.get(mark, 'a');
    cache.set(mark, 'a', [1, 2]); // 3
    cache.set(mark, 'b', []); // 1
    expect(cache.get(mark, 'a')).toEqual([1, 2]); // a is now the most recent
    cache.set(mark, 'c', [1]); // 2: 6 in all
    cache.set(mark, 'd', []); // 1 more: b, the least recently used, goes
    expect(cache.get(mark, 'b')).toBeUndefined();
    expect(cache.get(mark, 'a')).toEqual([1, 2]);
    cache.set(mark, 'big', [1, 2, 3, 4, 5, 6]); // larger than the whole: never kept
    expect(cache.get(mark, 'big')).toBeUndefined();
    answerCacheLimits.rows = 0;
    cache.set(mark, 'e', []);
    expect(cache.get(mark, 'e')).toBeUndefined();
  });
});
