import type { Pool, Tx } from '../db/pool.js';
import { isoUtc } from '../query/paging.js';

// The purchase order as every answer shows it (the commands' and GET query/purchase-orders/:id), from the
// views inventory publishes: one shape, one source. Read inside a command's transaction it shows what
// that transaction wrote.

export interface PurchaseOrderRead {
  id: string;
  number: string;
  supplierId: string;
  supplierName: string;
  status: string;
  currency: string;
  note: string | null;
  createdBy: string;
  createdAt: string;
  sentAt: string | null;
  updatedAt: string;
  total: number;
  cancelReason: string | null;
  cancelledAt: string | null;
  lines: { lineNo: number; sku: string; name: string; supplierSku: string | null; quantity: number; unitCost: number; received: number }[];
  receipts: {
    id: string;
    receivedAt: string;
    actor: string;
    note: string | null;
    lines: { lineNo: number; sku: string; quantity: number; unitCost: number; value: number }[];
  }[];
}

const receipts = `(select coalesce(json_agg(json_build_object('id', r.id, 'receivedAt', ${isoUtc('r.received_at')}, 'actor', r.actor, 'note', r.note, 'lines', r.lines)
    order by r.received_at, r.id), '[]') from inventory.goods_receipt_view r where r.purchase_order_id = o.id) as receipts`;

export async function readPurchaseOrder(db: Pool | Tx, id: string): Promise<PurchaseOrderRead | undefined> {
  const { rows } = await db.query<PurchaseOrderRead>(
    `select id, number, supplier_id as "supplierId", supplier_name as "supplierName", status, currency, note, created_by as "createdBy",
       ${isoUtc('created_at')} as "createdAt", ${isoUtc('sent_at')} as "sentAt", ${isoUtc('updated_at')} as "updatedAt", total,
       cancel_reason as "cancelReason", ${isoUtc('cancelled_at')} as "cancelledAt", lines, ${receipts}
     from inventory.purchase_order_view o where id = $1`,
    [id],
  );
  return rows[0];
}
