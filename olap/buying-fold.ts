import type { Event } from '../shared/events/envelope.js';

// The facts behind margin, inventory value, purchase spend and stock on order (olap/buying-queries.ts),
// folded from the events as they come. Unlike an order's row, these are kept one row per fact (a
// movement, an invoice line, a receipt line...) keyed by what the event names, so a redelivered or
// replayed event writes the same row again and the order of arrival never matters: the sums are taken
// when asked. Fields that events from before 016 lack (a movement's value) stay null and are left out.

export interface MovementRow {
  sku: string;
  movementId: number;
  kind: string;
  movementReason: string | null;
  orderId: string | null;
  purchaseOrderId: string | null;
  onHand: number;
  value: number | null;
  valueDelta: number | null;
  currency: string | null;
  occurredAt: string;
}

export interface InvoiceLineRow {
  invoiceId: string;
  lineNo: number;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
  net: number;
}

export interface CreditNoteRow {
  creditNoteId: string;
  invoiceId: string;
  returnId: string | null;
  currency: string;
  amount: number;
  issuedAt: string;
  seq: number;
}

export interface ReturnLineRow {
  returnId: string;
  lineNo: number;
  sku: string;
  quantity: number;
}

/** Created and cancelled each fill what they know; merged by coalesce, in either order. */
export interface PurchaseOrderChange {
  purchaseOrderId: string;
  number: string | null;
  supplierId: string | null;
  supplierName: string | null;
  currency: string | null;
  createdAt: string | null;
  cancelledAt: string | null;
}

export interface PurchaseOrderLineRow {
  purchaseOrderId: string;
  lineNo: number;
  sku: string;
  name: string;
  quantity: number;
  unitCost: number;
}

export interface ReceiptLineRow {
  receiptId: string;
  /** 1-based position in the event (an unordered line has no line number). */
  position: number;
  purchaseOrderId: string | null;
  supplierId: string | null;
  currency: string;
  lineNo: number | null;
  sku: string;
  quantity: number;
  unitCost: number;
  value: number;
  receivedAt: string;
}

/** The name of the latest supplier_upserted by stream sequence. */
export interface SupplierChange {
  supplierId: string;
  name: string;
  seq: number;
}

export interface BuyingChanges {
  movements: MovementRow[];
  invoiceLines: InvoiceLineRow[];
  creditNotes: CreditNoteRow[];
  returnLines: ReturnLineRow[];
  purchaseOrders: Map<string, PurchaseOrderChange>;
  purchaseOrderLines: PurchaseOrderLineRow[];
  receiptLines: ReceiptLineRow[];
  suppliers: Map<string, SupplierChange>;
}

export function emptyBuying(): BuyingChanges {
  return {
    movements: [], invoiceLines: [], creditNotes: [], returnLines: [], purchaseOrders: new Map(), purchaseOrderLines: [], receiptLines: [],
    suppliers: new Map(),
  };
}

export function mergePurchaseOrder(a: PurchaseOrderChange, b: PurchaseOrderChange): PurchaseOrderChange {
  return {
    purchaseOrderId: a.purchaseOrderId,
    number: a.number ?? b.number,
    supplierId: a.supplierId ?? b.supplierId,
    supplierName: a.supplierName ?? b.supplierName,
    currency: a.currency ?? b.currency,
    createdAt: a.createdAt ?? b.createdAt,
    cancelledAt: a.cancelledAt ?? b.cancelledAt,
  };
}

const purchaseOrderPart = (purchaseOrderId: string, part: Partial<PurchaseOrderChange>): PurchaseOrderChange => ({
  purchaseOrderId, number: null, supplierId: null, supplierName: null, currency: null, createdAt: null, cancelledAt: null, ...part,
});

/** Adds the event's buying and margin facts to `into`; false when it carries none. */
export function foldBuying(into: BuyingChanges, seq: number, event: Event): boolean {
  const po = (c: PurchaseOrderChange) => {
    const prev = into.purchaseOrders.get(c.purchaseOrderId);
    into.purchaseOrders.set(c.purchaseOrderId, prev ? mergePurchaseOrder(prev, c) : c);
  };
  switch (event.type) {
    case 'stock_changed': {
      const v = event.data;
      into.movements.push({
        sku: v.sku, movementId: v.movementId, kind: v.reason, movementReason: v.movementReason ?? null, orderId: v.orderId,
        purchaseOrderId: v.purchaseOrderId ?? null, onHand: v.onHand, value: v.value ?? null, valueDelta: v.valueDelta ?? null,
        currency: v.currency ?? null, occurredAt: event.occurredAt,
      });
      return true;
    }
    case 'invoice_created':
      event.data.lines.forEach((l, n) => into.invoiceLines.push({
        invoiceId: event.data.invoiceId, lineNo: n + 1, sku: l.sku, name: l.name, quantity: l.quantity, unitPrice: l.unitPrice, net: l.net,
      }));
      return true;
    case 'credit_note_issued': {
      const v = event.data;
      into.creditNotes.push({ creditNoteId: v.creditNoteId, invoiceId: v.invoiceId, returnId: v.returnId, currency: v.currency, amount: v.amount, issuedAt: event.occurredAt, seq });
      return true;
    }
    case 'goods_returned':
      for (const l of event.data.lines) into.returnLines.push({ returnId: event.data.returnId, lineNo: l.lineNo, sku: l.sku, quantity: l.quantity });
      return true;
    case 'supplier_upserted': {
      const v = event.data;
      const prev = into.suppliers.get(v.supplierId);
      if (!prev || seq > prev.seq) into.suppliers.set(v.supplierId, { supplierId: v.supplierId, name: v.name, seq });
      return true;
    }
    case 'purchase_order_created': {
      const v = event.data;
      po(purchaseOrderPart(v.purchaseOrderId, { number: v.number, supplierId: v.supplierId, supplierName: v.supplierName, currency: v.currency, createdAt: v.createdAt }));
      for (const l of v.lines) into.purchaseOrderLines.push({ purchaseOrderId: v.purchaseOrderId, lineNo: l.lineNo, sku: l.sku, name: l.name, quantity: l.quantity, unitCost: l.unitCost });
      return true;
    }
    case 'purchase_order_cancelled':
      po(purchaseOrderPart(event.data.purchaseOrderId, { number: event.data.number, supplierId: event.data.supplierId, cancelledAt: event.data.cancelledAt }));
      return true;
    case 'goods_received': {
      const v = event.data;
      v.lines.forEach((l, n) => into.receiptLines.push({
        receiptId: v.receiptId, position: n + 1, purchaseOrderId: v.purchaseOrderId, supplierId: v.supplierId, currency: v.currency, lineNo: l.lineNo,
        sku: l.sku, quantity: l.quantity, unitCost: l.unitCost, value: l.value, receivedAt: v.receivedAt,
      }));
      return true;
    }
    default:
      return false;
  }
}
