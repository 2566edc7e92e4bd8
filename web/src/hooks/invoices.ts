import { invoiceDetail, invoicePage } from '../../../shared/query/answers/invoices.js';
import { read } from '../api.js';
import type { Changes } from '../live.js';
import { useLoad } from '../load.js';
import { usePaged } from '../paging.js';
import { seg } from '../router.js';

// The invoices' reads, parsed with their answer schemas, reloaded when a live batch touches them.

export type InvoiceFilters = Partial<Record<'q' | 'status' | 'overdue' | 'customerId', string>>;

export function useInvoices(filters: InvoiceFilters, concerns: (c: Changes) => boolean = (c) => c.invoices.length > 0, pageSize?: number) {
  return usePaged((limit, cursor) => read(invoicePage, 'invoices', { ...filters, limit, cursor }), [JSON.stringify(filters)], concerns, pageSize);
}

export function useInvoice(id: string) {
  return useLoad(
    () => read(invoiceDetail, `invoices/${seg(id)}`),
    [id],
    (c) => c.invoices.includes(id),
  );
}
