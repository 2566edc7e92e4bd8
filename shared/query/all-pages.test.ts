import { describe, expect, it } from 'vitest';
import { allPages } from './all-pages.js';

interface Q {
  status?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

// A paged read over 0..n-1 whose cursor is the last index given out, recording what it was asked.
function pagedRead(n: number) {
  const asked: Q[] = [];
  const read = async (q: Q) => {
    asked.push(q);
    const from = q.cursor === undefined ? 0 : Number(q.cursor) + 1;
    const items = Array.from({ length: Math.max(0, Math.min(q.limit, n - from)) }, (_, i) => from + i);
    const last = items[items.length - 1];
    return { items, nextCursor: from + q.limit < n && last !== undefined ? String(last) : null };
  };
  return { read, asked };
}

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

describe('allPages', () => {
  it('walks every page with the same filters, from the start whatever limit and cursor the client gave', async () => {
    const { read, asked } = pagedRead(25);
    expect(await collect(allPages(read, { status: 'paid', limit: 3, cursor: '17' }, 10))).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(asked).toEqual([
      { status: 'paid', limit: 10, cursor: undefined },
      { status: 'paid', limit: 10, cursor: '9' },
      { status: 'paid', limit: 10, cursor: '19' },
    ]);
  });

  it('reads one page, and the next only when its rows are wanted', async () => {
    const { read, asked } = pagedRead(25);
    const rows = allPages(read, { limit: 50 }, 10);
    expect((await rows.next()).value).toBe(0);
    expect(asked).toHaveLength(1);
    await rows.return(undefined);
    expect(asked).toHaveLength(1);
  });

  it('ends after an empty first page', async () => {
    expect(await collect(allPages(pagedRead(0).read, { limit: 50 }))).toEqual([]);
  });
});
