import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { answerIssues, settle } from './checked-once.js';

// The answer check looks at a settled value (frozen whole, the projector's kept answers) once per
// schema; everything else, and every envelope around a settled value, at every send.

const row = z.strictObject({ hour: z.string(), orders: z.number().int() });
const answer = z.strictObject({ name: z.literal('q'), seq: z.number().int(), rows: z.array(row) });

/** A row schema that counts the rows it is asked about. */
function counting() {
  let looked = 0;
  const counted = z.strictObject({ name: z.literal('q'), seq: z.number().int(), rows: z.array(row.refine(() => (looked += 1) > 0)) });
  return { schema: counted, looked: () => looked };
}

describe('checking settled answers once', () => {
  it('checks settled rows once, and the envelope around them at every send', () => {
    const { schema, looked } = counting();
    const rows = settle([
      { hour: 'h1', orders: 1 },
      { hour: 'h2', orders: 2 },
    ]);
    expect(answerIssues(schema, { name: 'q', seq: 1, rows })).toBeUndefined();
    expect(looked()).toBe(2);
    expect(answerIssues(schema, { name: 'q', seq: 2, rows })).toBeUndefined();
    expect(looked()).toBe(2);
    // The envelope is still checked: a wrong field or one too many beside the same rows is found.
    expect(answerIssues(schema, { name: 'q', seq: 1.5, rows })?.map((i) => i.path)).toEqual([['seq']]);
    expect(answerIssues(schema, { name: 'q', seq: 1, rows, leak: 'x' })?.[0]?.code).toBe('unrecognized_keys');
    expect(looked()).toBe(2);
  });

  it('checks rows not settled at every send, and settled rows that did not match again', () => {
    const { schema, looked } = counting();
    const rows = [{ hour: 'h1', orders: 1 }];
    answerIssues(schema, { name: 'q', seq: 1, rows });
    answerIssues(schema, { name: 'q', seq: 1, rows });
    expect(looked()).toBe(2);
    const wrong = settle([{ hour: 'h1', orders: 1.5 }]);
    expect(answerIssues(answer, { name: 'q', seq: 1, rows: wrong })?.map((i) => i.path)).toEqual([['rows', 0, 'orders']]);
    expect(answerIssues(answer, { name: 'q', seq: 1, rows: wrong })?.map((i) => i.path)).toEqual([['rows', 0, 'orders']]);
  });

  it('remembers a match per schema: the same settled rows are checked against another schema', () => {
    const rows = settle([{ hour: 'h1', orders: -1 }]);
    expect(answerIssues(answer, { name: 'q', seq: 1, rows })).toBeUndefined();
    const nonnegative = answer.extend({ rows: z.array(row.extend({ orders: z.number().int().nonnegative() })) });
    expect(answerIssues(nonnegative, { name: 'q', seq: 1, rows })?.map((i) => i.path)).toEqual([['rows', 0, 'orders']]);
  });

  it('freezes what it settles, all the way down, so a settled answer cannot change after its check', () => {
    const rows = settle([{ hour: 'h1', orders: 1, lines: [{ sku: 'A' }] }]);
    expect(Object.isFrozen(rows) && Object.isFrozen(rows[0]) && Object.isFrozen(rows[0]!.lines[0])).toBe(true);
    expect(() => (rows[0]!.orders = 2)).toThrow(TypeError);
    expect(() => rows.push({ hour: 'h2', orders: 2, lines: [] })).toThrow(TypeError);
  });

  it('does not settle what holds a value that changes without being assigned to (a Date): checked at every send', () => {
    const when = z.strictObject({ at: z.date() });
    const rows = settle([{ at: new Date(0) }]);
    const { schema, looked } = (() => {
      let n = 0;
      return { schema: z.strictObject({ rows: z.array(when.refine(() => (n += 1) > 0)) }), looked: () => n };
    })();
    answerIssues(schema, { rows });
    answerIssues(schema, { rows });
    expect(looked()).toBe(2);
  });
});
