import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { agingBucket, agingBuckets, daysPastDue } from './aging.js';

describe('AR aging buckets', () => {
  it('puts the edges where the names say', () => {
    expect([-5, 0, 1, 30, 31, 60, 61, 90, 91, 400].map(agingBucket)).toEqual([
      'current',
      'current',
      '1-30',
      '1-30',
      '31-60',
      '31-60',
      '61-90',
      '61-90',
      '91+',
      '91+',
    ]);
  });
  it('counts whole UTC days past the due date', () => {
    expect(daysPastDue('2026-01-31', '2026-01-31')).toBe(0);
    expect(daysPastDue('2026-01-31', '2026-03-02')).toBe(30);
    expect(daysPastDue('2026-03-28', '2026-03-30')).toBe(2); // across a DST change elsewhere: still whole days
    expect(daysPastDue('2026-02-10', '2026-02-01')).toBe(-9);
  });
  it('is half-open: each bucket holds exactly the days its name says', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), (d) => {
        const b = agingBucket(d);
        const [lo, hi] = b === 'current' ? [-Infinity, 0] : b === '91+' ? [91, Infinity] : b.split('-').map(Number);
        return d >= lo! && d <= hi!;
      }),
    );
  });
  it('never skips a bucket as days grow', () => {
    fc.assert(fc.property(fc.integer({ min: -1000, max: 1000 }), (d) => agingBuckets.indexOf(agingBucket(d + 1)) - agingBuckets.indexOf(agingBucket(d)) <= 1));
  });
});
