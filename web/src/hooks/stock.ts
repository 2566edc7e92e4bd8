import { movementPage, stockPage } from '../../../shared/query/answers/stock.js';
import { read } from '../api.js';
import { useLoad } from '../load.js';
import { readAll, usePaged } from '../paging.js';
import { seg } from '../router.js';

// The stock reads, parsed with their answer schemas, reloaded when a live batch names their skus.

export function useStock(q: string) {
  return usePaged(
    (limit, cursor) => read(stockPage, 'stock', { q, limit, cursor }),
    [q],
    (c) => c.skus.length > 0,
  );
}

/** One sku's stock level (null: no stock record). The stock read searches by sku prefix or name: every row it finds (few), and the exact sku of them. */
export function useStockLevel(sku: string) {
  return useLoad(
    () => readAll(stockPage, 'stock', { q: sku }).then((items) => items.find((s) => s.sku === sku) ?? null),
    [sku],
    (c) => c.skus.includes(sku),
  );
}

export function useMovements(sku: string) {
  return usePaged(
    (limit, cursor) => read(movementPage, `stock/${seg(sku)}/movements`, { limit, cursor }),
    [sku],
    (c) => c.skus.includes(sku),
  );
}
