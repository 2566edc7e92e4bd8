import { customerDetail, customerPage } from '../../../shared/query/answers/parties.js';
import { read } from '../api.js';
import type { Changes } from '../live.js';
import { useLoad, type Loaded } from '../load.js';
import type { CustomerDetail } from '../types.js';
import { readAll, usePaged } from '../paging.js';
import { seg } from '../router.js';

// The customers' reads, parsed with their answer schemas, reloaded when a live batch touches them.

const customersChanged = (c: Changes) => c.customers.length > 0;

/** The customers list, searched by `q`. */
export function useCustomers(q: string) {
  return usePaged((limit, cursor) => read(customerPage, 'customers', { q, limit, cursor }), [q], customersChanged);
}

/** The first `limit` customers matching `q`: a picker's options. */
export function useCustomerMatches(q: string, limit: number) {
  return useLoad(() => read(customerPage, 'customers', { q, limit }), [q], customersChanged);
}

/** Every customer: a filter's options. */
export function useAllCustomers() {
  return useLoad(() => readAll(customerPage, 'customers'), [], customersChanged);
}

/** One customer; none asked (a new one's form): undefined. */
export function useCustomer(id: string, concerns?: (c: Changes) => boolean): Loaded<CustomerDetail>;
export function useCustomer(id: string | undefined, concerns?: (c: Changes) => boolean): Loaded<CustomerDetail | undefined>;
export function useCustomer(id: string | undefined, concerns?: (c: Changes) => boolean) {
  return useLoad(() => (id ? read(customerDetail, `customers/${seg(id)}`) : Promise.resolve(undefined)), [id], concerns);
}

/** The customer an address names when the picker does not hold it (`wanted`), undefined when it is not one. */
export function useCustomerNamed(id: string, wanted: boolean) {
  return useLoad(() => (id && wanted ? read(customerDetail, `customers/${seg(id)}`).catch(() => undefined) : Promise.resolve(undefined)), [id]);
}
