import { useEffect, useState } from 'preact/hooks';
import type { z } from 'zod';
import { allPages } from '../../shared/query/all-pages.js';
import type { Page } from '../../shared/query/answers/common.js';
import { read } from './api.js';
import type { Changes } from './live.js';
import { useLoad, type Loaded } from './load.js';

// A keyset list with "Load more". Each load (the first one, a live reload, "Load more") reads again
// every row on show, in one request while that is at most 200 rows: a reload after a live change then
// refreshes the pages one has opened instead of dropping them, and rows never appear twice.

const maxLimit = 200;

export function usePaged<T>(
  fetchPage: (limit: number, cursor: string | undefined) => Promise<Page<T>>,
  deps: unknown[],
  concerns?: (c: Changes) => boolean,
  pageSize = 50,
): { loaded: Loaded<Page<T>>; more: () => void } {
  const key = JSON.stringify(deps);
  const [shown, setShown] = useState({ key, pages: 1 });
  const pages = shown.key === key ? shown.pages : 1; // new filters start again at one page
  const loaded = useLoad(
    async () => {
      const want = pages * pageSize;
      let items: T[] = [];
      let next: string | null = null;
      do {
        const page: Page<T> = await fetchPage(Math.min(maxLimit, want - items.length), next ?? undefined);
        items = items.concat(page.items);
        next = page.nextCursor;
      } while (next && items.length < want);
      return { items, nextCursor: next };
    },
    [key],
    concerns,
  );
  // "Load more" is a reload of the same list, one page longer: the rows on show stay while it loads.
  useEffect(() => {
    if (pages > 1) loaded.reload();
  }, [pages]);
  return { loaded, more: () => setShown({ key, pages: pages + 1 }) };
}

/**
 * Every row of a paged list, 200 a read: for a select's options (the products of an order, the
 * customers of a filter, the departments), which one page would cut short. Lists shown as tables
 * page with usePaged instead.
 */
export async function readAll<T>(pageSchema: z.ZodType<Page<T>>, path: string, params: Record<string, string | undefined> = {}): Promise<T[]> {
  const items: T[] = [];
  for await (const item of allPages((q) => read(pageSchema, path, { ...params, ...q }), { limit: maxLimit }, maxLimit)) items.push(item);
  return items;
}
