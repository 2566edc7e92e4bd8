import type { Pool } from '../db/pool.js';
import { readPurchaseOrder } from '../purchasing/read.js';
import { filters, isoUtc, keysetPage } from './paging.js';

const columns = `id, number, supplier_id as "supplierId", supplier_name as "supplierName", status, currency, total,
  ${isoUtc('created_at')} as "createdAt", ${isoUtc('sent_at')} as "sentAt"`;

export interface PurchaseOrderListQuery {
  status?: string | undefined;
  supplierId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Newest first, keyset-paged on (created_at, id) like orders. */
export async function listPurchaseOrders(db: Pool, q: PurchaseOrderListQuery) {
  const f = filters();
  f.add((p) => `status = ${p}`, q.status);
  f.add((p) => `supplier_id = ${p}`, q.supplierId);
  return keysetPage<{ id: string; createdAt: string }>(db, { view: 'inventory.purchase_order_view', columns }, f, q);
}

/** The purchase order as the commands answer it, with its receipts; undefined (404) when there is none. */
export const getPurchaseOrder = (db: Pool, id: string) => readPurchaseOrder(db, id);
