import type { Filters } from './paging.js';

// The `q` of the list reads: what the user typed is matched literally, so % and _ are escaped (LIKE's
// default escape character is the backslash, escaped first).
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Adds `q` as a case-insensitive prefix of `prefixOf` OR a case-insensitive substring of `within`
 * (a code typed from its start, a name typed from anywhere in it).
 */
export function addSearch(f: Filters, q: string | undefined, prefixOf: string, within: string): void {
  if (q === undefined) return;
  const escaped = escapeLike(q);
  f.add((p) => `(${prefixOf} ilike ${p} or ${within} ilike ${f.param(`%${escaped}%`)})`, `${escaped}%`);
}
