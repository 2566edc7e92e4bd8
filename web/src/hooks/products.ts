import { product, productPage } from '../../../shared/query/answers/stock.js';
import { read } from '../api.js';
import { useLoad } from '../load.js';
import { readAll, usePaged } from '../paging.js';
import { seg } from '../router.js';

// The products' reads, parsed with their answer schemas; the list reloads when a batch names a sku.

export function useProducts(q: string) {
  return usePaged(
    (limit, cursor) => read(productPage, 'products', { q, limit, cursor }),
    [q],
    (c) => c.skus.length > 0,
  );
}

/** Every product: a select's options. */
export function useAllProducts() {
  return useLoad(() => readAll(productPage, 'products'), []);
}

/** One product; none asked (a new one's form): undefined. */
export function useProduct(sku: string | undefined) {
  return useLoad(() => (sku ? read(product, `products/${seg(sku)}`) : Promise.resolve(undefined)), [sku]);
}
