import type { Event } from '../shared/events/envelope.js';
import type { Batch } from './schema.js';
import type { Row } from './tables/declare.js';
import type { purchaseOrders } from './tables/buying.js';

// The facts behind margin, inventory value, purchase spend and stock on order (olap/buying-queries.ts),
// folded from the events as they come. Unlike an order's row, these are kept one row per fact (a
// movement, an invoice line, a receipt line...) keyed by what the event names, so a redelivered or
// replayed event writes the same row again and the order of arrival never matters: the sums are taken
// when asked. Fields that events from before 016 lack (a movement's value) stay null and are left out.
// The tables, their keys and merges are declared in olap/tables/buying.ts.

export type PurchaseOrderChange = Row<typeof purchaseOrders>;

const purchaseOrderPart = (purchaseOrderId: string, part: Partial<PurchaseOrderChange>): PurchaseOrderChange => ({
  purchaseOrderId,
  number: null,
  supplierId: null,
  supplierName: null,
  currency: null,
  createdAt: null,
  cancelledAt: null,
  ...part,
});

/** Adds the event's buying and margin facts to `into`; false when it carries none. */
export function foldBuying(into: Batch, seq: number, event: Event): boolean {
  const po = (c: PurchaseOrderChange) => into.purchaseOrders.put(c);
  switch (event.type) {
    case 'stock_changed': {
      const v = event.data;
      into.movements.put({
        sku: v.sku,
        movementId: v.movementId,
        kind: v.reason,
        movementReason: v.movementReason ?? null,
        orderId: v.orderId,
        purchaseOrderId: v.purchaseOrderId ?? null,
        onHand: v.onHand,
        value: v.value ?? null,
        valueDelta: v.valueDelta ?? null,
        currency: v.currency ?? null,
        occurredAt: event.occurredAt,
      });
      return true;
    }
    case 'invoice_created':
      event.data.lines.forEach((l, n) =>
        into.invoiceLines.put({
          invoiceId: event.data.invoiceId,
          lineNo: n + 1,
          sku: l.sku,
          name: l.name,
          quantity: l.quantity,
          unitPrice: l.unitPrice,
          net: l.net,
        }),
      );
      return true;
    case 'credit_note_issued': {
      const v = event.data;
      into.creditNotes.put({
        creditNoteId: v.creditNoteId,
        invoiceId: v.invoiceId,
        returnId: v.returnId,
        currency: v.currency,
        amount: v.amount,
        issuedAt: event.occurredAt,
        seq,
      });
      return true;
    }
    case 'goods_returned':
      for (const l of event.data.lines) into.returnLines.put({ returnId: event.data.returnId, lineNo: l.lineNo, sku: l.sku, quantity: l.quantity });
      return true;
    case 'supplier_upserted': {
      into.suppliers.put({ supplierId: event.data.supplierId, name: event.data.name, seq });
      return true;
    }
    case 'purchase_order_created': {
      const v = event.data;
      po(
        purchaseOrderPart(v.purchaseOrderId, {
          number: v.number,
          supplierId: v.supplierId,
          supplierName: v.supplierName,
          currency: v.currency,
          createdAt: v.createdAt,
        }),
      );
      for (const l of v.lines)
        into.purchaseOrderLines.put({
          purchaseOrderId: v.purchaseOrderId,
          lineNo: l.lineNo,
          sku: l.sku,
          name: l.name,
          quantity: l.quantity,
          unitCost: l.unitCost,
        });
      return true;
    }
    case 'purchase_order_cancelled':
      po(purchaseOrderPart(event.data.purchaseOrderId, { number: event.data.number, supplierId: event.data.supplierId, cancelledAt: event.data.cancelledAt }));
      return true;
    case 'goods_received': {
      const v = event.data;
      v.lines.forEach((l, n) =>
        into.receiptLines.put({
          receiptId: v.receiptId,
          position: n + 1,
          purchaseOrderId: v.purchaseOrderId,
          supplierId: v.supplierId,
          currency: v.currency,
          lineNo: l.lineNo,
          sku: l.sku,
          quantity: l.quantity,
          unitCost: l.unitCost,
          value: l.value,
          receivedAt: v.receivedAt,
        }),
      );
      return true;
    }
    default:
      return false;
  }
}
