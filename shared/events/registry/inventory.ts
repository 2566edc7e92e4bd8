import { z } from 'zod';
import { purchaseOrderStatuses } from '../../domain/purchase-order-lifecycle.js';
import { adjustmentReasons, movementKinds, movementReasons } from '../../domain/stock-movements.js';
import { currency, id, isoInstant, money, orderAggregate, orderSnapshot, postalAddress, shortage } from './fields.js';
import { spec } from './spec.js';

/** A purchase order line as ordered: unit cost in the purchase order's (the supplier's) currency. */
const purchaseOrderLine = z.object({
  lineNo: z.number().int().positive(),
  sku: z.string(),
  name: z.string(),
  supplierSku: z.string().nullable(),
  quantity: z.number().int().positive(),
  unitCost: money.nonnegative(),
});

const supplierAggregate = { type: 'supplier', id: (d: { supplierId: string }) => d.supplierId } as const;
const purchaseOrderAggregate = { type: 'purchase_order', id: (d: { purchaseOrderId: string }) => d.purchaseOrderId } as const;

/** The inventory domain's events: stock (reservations, movements, adjustments, products) and buying
 *  (suppliers, purchase orders, receipts). */
export const inventoryEvents = {
  stock_reserved: spec({
    domain: 'inventory',
    version: 1,
    summary: 'Every line of the order is reserved; carries the order, so billing invoices from it.',
    data: orderSnapshot,
    aggregate: orderAggregate,
  }),
  stock_reservation_failed: spec({
    domain: 'inventory',
    version: 1,
    summary: 'Not enough stock for some line; nothing was reserved.',
    aggregate: orderAggregate,
    data: z.object({ orderId: id, shortages: z.array(shortage).min(1) }),
  }),
  stock_released: spec({
    domain: 'inventory',
    version: 1,
    summary: "A cancelled order's reserved stock is available again.",
    aggregate: orderAggregate,
    data: z.object({ orderId: id, lines: z.array(z.object({ sku: z.string(), quantity: z.number().int().positive() })) }),
  }),
  stock_changed: spec({
    domain: 'inventory',
    version: 1,
    aggregate: { type: 'product', id: (d) => d.sku },
    summary: "A product's stock moved; carries the new absolute levels and the movement id, which orders the levels of one sku.",
    data: z.object({
      sku: z.string(),
      name: z.string(),
      onHand: z.number().int(),
      reserved: z.number().int(),
      available: z.number().int(),
      reason: z.enum(movementKinds),
      orderId: z.string().nullable(),
      movementId: z.number().int().positive(),
      // At cost, in the product's currency (shared/domain/stock-cost.ts); absent on events from before 016.
      value: money.nonnegative().optional(),
      valueDelta: money.optional(),
      currency: currency.optional(),
      /** An adjustment's reason, or where a receipt came from (purchase_order, unordered, opening). */
      movementReason: z.enum(movementReasons).optional(),
      purchaseOrderId: z.string().optional(),
    }),
  }),
  supplier_upserted: spec({
    domain: 'inventory',
    version: 1,
    summary: 'A supplier was created or changed.',
    aggregate: supplierAggregate,
    data: z.object({
      supplierId: id,
      name: z.string(),
      address: postalAddress.nullable(),
      vatId: z.string().nullable(),
      paymentTermsDays: z.number().int().nonnegative(),
      currency,
      email: z.string().nullable(),
    }),
  }),
  purchase_order_created: spec({
    domain: 'inventory',
    version: 1,
    summary: 'A purchase order was drafted: its supplier, lines and unit costs in the supplier currency.',
    aggregate: purchaseOrderAggregate,
    data: z.object({
      purchaseOrderId: id,
      number: z.string(),
      supplierId: id,
      supplierName: z.string(),
      currency,
      total: money.nonnegative(),
      lines: z.array(purchaseOrderLine).min(1),
      createdAt: isoInstant,
    }),
  }),
  purchase_order_sent: spec({
    domain: 'inventory',
    version: 1,
    summary: 'A purchase order went to its supplier (the PDF, by e-mail where e-mail is set up).',
    aggregate: purchaseOrderAggregate,
    data: z.object({ purchaseOrderId: id, number: z.string(), supplierId: id, sentAt: isoInstant }),
  }),
  purchase_order_cancelled: spec({
    domain: 'inventory',
    version: 1,
    summary: 'A purchase order was cancelled; what was received stays, the rest is no longer on order.',
    aggregate: purchaseOrderAggregate,
    data: z.object({ purchaseOrderId: id, number: z.string(), supplierId: id, previousStatus: z.enum(purchaseOrderStatuses), cancelledAt: isoInstant }),
  }),
  goods_received: spec({
    domain: 'inventory',
    version: 1,
    summary: 'Goods came in: against a purchase order (its lines, in parts) or without one; each line at its unit cost, entered into stock at cost.',
    aggregate: { type: 'purchase_order', id: (d) => d.purchaseOrderId ?? `unordered:${d.receiptId}` },
    data: z.object({
      receiptId: id,
      purchaseOrderId: z.string().nullable(),
      supplierId: z.string().nullable(),
      currency,
      lines: z
        .array(
          z.object({
            lineNo: z.number().int().positive().nullable(),
            sku: z.string(),
            quantity: z.number().int().positive(),
            unitCost: money.nonnegative(),
            value: money.nonnegative(),
          }),
        )
        .min(1),
      /** The purchase order's status after the receipt; null without one. */
      purchaseOrderStatus: z.enum(purchaseOrderStatuses).nullable(),
      receivedAt: isoInstant,
    }),
  }),
  stock_adjusted: spec({
    domain: 'inventory',
    version: 1,
    summary:
      "A product's on-hand quantity was corrected by a signed quantity for a reason (count, damage, theft, correction), valued at cost; a count names itself.",
    aggregate: { type: 'product', id: (d) => d.sku },
    data: z.object({
      sku: z.string(),
      quantityDelta: z.number().int(),
      reason: z.enum(adjustmentReasons),
      valueDelta: money,
      currency,
      countId: z.string().nullable(),
      note: z.string().nullable(),
      movementId: z.number().int().positive(),
      adjustedAt: isoInstant,
    }),
  }),
  product_upserted: spec({
    domain: 'inventory',
    version: 1,
    summary: 'A product was created or changed.',
    aggregate: { type: 'product', id: (d) => d.sku },
    data: z.object({
      sku: z.string(),
      name: z.string(),
      unitPrice: money.nonnegative(),
      currency,
      taxRateBp: z.number().int().nonnegative(),
      reorderLevel: z.number().int().nonnegative(),
      // Set when the product is exempt from VAT (its lines are category E with this reason); absent before 015.
      vatExemptionReason: z.string().optional(),
      // Buying (016): absent before it, and when not set.
      preferredSupplierId: z.string().optional(),
      supplierSku: z.string().optional(),
      reorderQuantity: z.number().int().nonnegative().optional(),
    }),
  }),
} as const;
