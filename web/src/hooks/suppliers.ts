import { supplier, supplierPage } from '../../../shared/query/answers/parties.js';
import { read } from '../api.js';
import { useLoad, type Loaded } from '../load.js';
import type { Supplier } from '../types.js';
import { readAll, usePaged } from '../paging.js';
import { seg } from '../router.js';

// The suppliers' reads, parsed with their answer schemas. No live batch names a supplier: they load
// when the screen opens.

export function useSuppliers(q: string) {
  return usePaged((limit, cursor) => read(supplierPage, 'suppliers', { q, limit, cursor }), [q]);
}

/** Every supplier: a select's options. */
export function useAllSuppliers() {
  return useLoad(() => readAll(supplierPage, 'suppliers'), []);
}

/** One supplier; none asked (a new one's form, an order without one): undefined. */
export function useSupplier(id: string): Loaded<Supplier>;
export function useSupplier(id: string | undefined): Loaded<Supplier | undefined>;
export function useSupplier(id: string | undefined) {
  return useLoad(() => (id ? read(supplier, `suppliers/${seg(id)}`) : Promise.resolve(undefined)), [id]);
}
