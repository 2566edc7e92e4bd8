import type { Filters, PageQuery } from './paging.js';

// The `q` of the list reads: what the user typed is matched literally, so % and _ are escaped (LIKE's
// default escape character is the backslash, escaped first).
/** A list read by search and page (stock, products, customers). */
export interface SearchListQuery extends PageQuery {
  q?: string | undefined;
}

export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Adds `q` as a case-insensitive prefix of `prefixOf` OR a case-insensitive substring of any of `within`
 * (a code typed from its start, a name typed from anywhere in it). `prefixOf` null: substrings only.
 */
export function addSearch(f: Filters, q: string | undefined, prefixOf: string | null, ...within: string[]): void {
  if (q === undefined) return;
  const escaped = escapeLike(q);
  const anywhere = f.param(`%${escaped}%`);
  const tests = [...(prefixOf ? [`${prefixOf} ilike ${f.param(`${escaped}%`)}`] : []), ...within.map((c) => `${c} ilike ${anywhere}`)];
  f.clause(`(${tests.join(' or ')})`);
}
