import { z } from 'zod';
import type { Pool, Tx } from '../db/pool.js';
import { currentCompany } from '../documents/company.js';
import { purchaseOrderKey, type PurchaseOrderDocument } from '../documents/purchase-order.js';
import { renderPurchaseOrderPdf } from '../documents/render-purchase-order-pdf.js';
import { documentStore } from '../documents/storage.js';
import { purchaseOrderStatuses, type PurchaseOrderStatus } from '../domain/purchase-order-lifecycle.js';
import type { Event } from '../events/envelope.js';
import type { UnitOfWork } from '../unit-of-work.js';

// Purchase orders as PDF objects (purchase-orders/<number>.pdf): rendered when one is sent (render-document
// reacts to purchase_order_sent), read back by the query function, attached to its e-mail to the supplier.
// Here beside the billing documents because render-document is the documents pipeline (storage, SMTP);
// the purchase order itself is inventory's, read through its published views.
//
// A draft has no PDF: it may still change, and it is nobody's order until sent. Once sent its lines are
// fixed, so a render again (a redelivery) writes the same bytes; the supplier's name and address and our
// letterhead are read when rendered, as they stand.

const address = z.object({ lines: z.array(z.string()), postalCode: z.string(), city: z.string(), country: z.string() });
const row = z.object({
  id: z.string(),
  number: z.string(),
  status: z.enum(purchaseOrderStatuses),
  currency: z.string(),
  note: z.string().nullable(),
  orderDate: z.string().nullable(),
  total: z.number(),
  lines: z.array(
    z.object({ lineNo: z.number(), sku: z.string(), name: z.string(), supplierSku: z.string().nullable(), quantity: z.number(), unitCost: z.number() }),
  ),
  supplierId: z.string(),
  supplierName: z.string(),
  supplierAddress: address.nullable(),
  supplierVatId: z.string().nullable(),
  supplierEmail: z.string().nullable(),
  paymentTermsDays: z.number(),
});

export interface PurchaseOrderRecord {
  status: PurchaseOrderStatus;
  number: string;
  supplierId: string;
  supplierName: string;
  supplierEmail: string | undefined;
  /** The document as sent; undefined while the order is a draft (or was cancelled before it was sent). */
  document: PurchaseOrderDocument | undefined;
}

/** The purchase order and, once sent, its document; undefined for an unknown id. */
export async function loadPurchaseOrder(db: Pool | Tx, purchaseOrderId: string): Promise<PurchaseOrderRecord | undefined> {
  const { rows } = await db.query(
    `select o.id, o.number, o.status, o.currency, o.note, to_char(o.sent_at at time zone 'UTC', 'YYYY-MM-DD') as "orderDate", o.total, o.lines,
       s.id as "supplierId", s.name as "supplierName", s.address as "supplierAddress", s.vat_id as "supplierVatId", s.email as "supplierEmail",
       s.payment_terms_days as "paymentTermsDays"
     from inventory.purchase_order_view o join inventory.supplier_directory s on s.id = o.supplier_id where o.id = $1`,
    [purchaseOrderId],
  );
  if (rows[0] === undefined) return undefined;
  const r = row.parse(rows[0]);
  const record = { status: r.status, number: r.number, supplierId: r.supplierId, supplierName: r.supplierName, supplierEmail: r.supplierEmail ?? undefined };
  if (r.orderDate === null) return { ...record, document: undefined };
  return {
    ...record,
    document: {
      kind: 'purchase_order',
      id: r.id,
      number: r.number,
      orderDate: r.orderDate,
      currency: r.currency,
      note: r.note ?? undefined,
      buyer: await currentCompany(db),
      supplier: {
        id: r.supplierId,
        name: r.supplierName,
        address: r.supplierAddress ?? undefined,
        vatId: r.supplierVatId ?? undefined,
        email: r.supplierEmail ?? undefined,
        paymentTermsDays: r.paymentTermsDays,
      },
      lines: r.lines.map((l) => ({ ...l, total: l.quantity * l.unitCost })),
      total: r.total,
    },
  };
}

/** purchase_order_sent: the purchase order's PDF, stored under its number. */
export async function renderPurchaseOrder(uow: UnitOfWork, event: Event<'purchase_order_sent'>): Promise<void> {
  const found = await loadPurchaseOrder(uow.tx, event.data.purchaseOrderId);
  // Sent in the transaction that raised the event: a missing or unsent order is a bug (a 500, retried and seen).
  if (!found?.document) throw new Error(`purchase order ${event.data.purchaseOrderId} is not a sent purchase order in inventory's records`);
  await documentStore().put(purchaseOrderKey(found.number), await renderPurchaseOrderPdf(found.document));
}
