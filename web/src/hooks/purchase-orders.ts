import { supplierPage } from '../../../shared/query/answers/parties.js';
import { purchaseOrder, purchaseOrderPage } from '../../../shared/query/answers/purchase-orders.js';
import { productPage, reorderAnswer, stockPage } from '../../../shared/query/answers/stock.js';
import { read } from '../api.js';
import type { Changes } from '../live.js';
import { useLoad } from '../load.js';
import { readAll, usePaged } from '../paging.js';
import { seg } from '../router.js';
import type { Product } from '../types.js';

// The purchase orders' reads, parsed with their answer schemas. A receipt moves stock of the order's
// skus: the live stream names those, not the purchase order, so any sku moved reloads them.

const stockMoved = (c: Changes) => c.skus.length > 0;

export type PurchaseOrderFilters = Partial<Record<'status' | 'supplierId', string>>;

/** Purchase orders newest first under `filters`; `concerns` null: reloaded only when a batch's change lists were cut (`more`). */
export function usePurchaseOrders(filters: PurchaseOrderFilters, concerns: ((c: Changes) => boolean) | null = stockMoved, pageSize?: number) {
  return usePaged(
    (limit, cursor) => read(purchaseOrderPage, 'purchase-orders', { ...filters, limit, cursor }),
    [JSON.stringify(filters)],
    concerns ?? undefined,
    pageSize,
  );
}

export function usePurchaseOrder(id: string) {
  return useLoad(() => read(purchaseOrder, `purchase-orders/${seg(id)}`), [id], stockMoved);
}

export function useReorderSuggestions() {
  return useLoad(() => read(reorderAnswer, 'reorder-suggestions'), [], stockMoved);
}

export interface PurchaseOffer extends Product {
  /** What a unit cost us on average so far (minor units), a starting point for the unit cost. */
  averageCost: number | null;
}

/** What a new purchase order may buy from whom: every supplier, every product with its average cost. */
export function usePurchaseOffers() {
  return useLoad(async () => {
    const [suppliers, products, stock] = await Promise.all([readAll(supplierPage, 'suppliers'), readAll(productPage, 'products'), readAll(stockPage, 'stock')]);
    const cost = new Map(stock.map((s) => [s.sku, s.averageCost ?? null]));
    return { suppliers, offers: products.map((p): PurchaseOffer => ({ ...p, averageCost: cost.get(p.sku) ?? null })) };
  }, []);
}
