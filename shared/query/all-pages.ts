// The CSV export of a paged list: the same read the JSON request makes, page after page with the same
// filters and keyset, until the last page. One page is held at a time, whatever the list's length.
// Pages are read one after another (as a client paging through would), not in one snapshot.

/** Rows per page when walking a whole list: bigger than a client may ask for, fewer round trips. */
export const exportPageSize = 500;

export async function* allPages<Q extends { limit: number; cursor?: string | undefined }, T>(
  read: (q: Q) => Promise<{ items: T[]; nextCursor: string | null }>,
  q: Q,
  pageSize = exportPageSize,
): AsyncGenerator<T> {
  // The client's own limit and cursor say which page it wants; an export wants them all.
  let cursor: string | undefined;
  do {
    const page = await read({ ...q, limit: pageSize, cursor });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
