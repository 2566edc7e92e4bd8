import { z } from 'zod';
import { orderDetail, orderPage } from '../../../shared/query/answers/orders.js';
import { productPage, stockPage } from '../../../shared/query/answers/stock.js';
import type { PricedProduct } from '../../../shared/domain/pricing.js';
import { timelineRow } from '../../../shared/query/answers/bi.js';
import { bi, parseAnswer, read } from '../api.js';
import type { Changes } from '../live.js';
import { useLoad } from '../load.js';
import { readAll, usePaged } from '../paging.js';
import { seg } from '../router.js';

// The orders' reads, each parsed with its answer schema and reloaded when a live batch touches it:
// the screens render what these give and fetch nothing themselves.

export type OrderFilters = Partial<Record<'status' | 'customerId' | 'from' | 'to' | 'q', string>>;

/** Orders newest first under `filters`; by default again whenever an order or a customer (the names shown) changed. */
export function useOrders(filters: OrderFilters, concerns: (c: Changes) => boolean = (c) => c.orders.length > 0 || c.customers.length > 0, pageSize?: number) {
  return usePaged((limit, cursor) => read(orderPage, 'orders', { ...filters, limit, cursor }), [JSON.stringify(filters)], concerns, pageSize);
}

export function useOrder(id: string) {
  return useLoad(
    () => read(orderDetail, `orders/${seg(id)}`),
    [id],
    (c) => c.orders.includes(id),
  );
}

/** The order's events from the projector, each row (checked by bi() against the catalogue) read as a timeline event. */
export function useOrderTimeline(id: string) {
  return useLoad(
    async () => parseAnswer(z.array(timelineRow), (await bi('order_timeline', { id })).rows, "the order's timeline"),
    [id],
    (c) => c.orders.includes(id),
  );
}

export interface SaleOffer extends PricedProduct {
  /** Units on hand and not reserved; undefined when the product has no stock record. */
  available: number | undefined;
}

/** What a new order may sell, by sku: every product with the stock available beside it. */
export function useSaleOffers() {
  return useLoad(
    async () => {
      const [products, stock] = await Promise.all([readAll(productPage, 'products'), readAll(stockPage, 'stock')]);
      const available = new Map(stock.map((s) => [s.sku, s.available]));
      return new Map<string, SaleOffer>(products.map((p) => [p.sku, { ...p, available: available.get(p.sku) }]));
    },
    [],
    (c) => c.skus.length > 0,
  );
}
