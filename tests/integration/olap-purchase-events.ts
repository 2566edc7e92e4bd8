import type { Harness } from '../support/harness.js';
import { sampleEvent } from '../support/events.js';
import { subjectFor, type EventData, type EventType } from '../../shared/events/registry.js';

/**
 * Suppliers, purchase orders and receipts as their events (the commands come with other work of issue
 * 20): nothing but the projector reads them. Last month and this, euros and dollars, a cancelled order
 * partly received, goods in without an order.
 */
export async function publishPurchases(h: Harness, skuA: string, skuC: string) {
  const now = new Date();
  const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15, 12)).toISOString();
  const at = now.toISOString();
  const run = Math.random().toString(36).slice(2, 7);
  const line = (lineNo: number, sku: string, quantity: number, unitCost: number) => ({ lineNo, sku, name: sku, supplierSku: null, quantity, unitCost });
  const gr = (
    receiptId: string,
    purchaseOrderId: string | null,
    supplierId: string | null,
    currency: string,
    lines: { lineNo: number | null; sku: string; quantity: number; unitCost: number }[],
    when: string,
  ) =>
    [
      'goods_received',
      {
        receiptId,
        purchaseOrderId,
        supplierId,
        currency,
        lines: lines.map((l) => ({ ...l, value: l.quantity * l.unitCost })),
        purchaseOrderStatus: null,
        receivedAt: when,
      },
      when,
    ] as const;
  const events: (readonly [EventType, Partial<EventData<EventType>>, string])[] = [
    ['supplier_upserted', { supplierId: `eur-${run}`, name: 'Bohnen AG', currency: 'EUR' }, lastMonth],
    ['supplier_upserted', { supplierId: `usd-${run}`, name: 'Rain Inc', currency: 'USD' }, lastMonth],
    [
      'purchase_order_created',
      {
        purchaseOrderId: `po1-${run}`,
        number: 'PO-000001',
        supplierId: `eur-${run}`,
        supplierName: 'Bohnen AG',
        currency: 'EUR',
        total: 14_000,
        lines: [line(1, skuA, 20, 650), line(2, skuC, 50, 20)],
        createdAt: lastMonth,
      },
      lastMonth,
    ],
    gr(`gr1-${run}`, `po1-${run}`, `eur-${run}`, 'EUR', [{ lineNo: 1, sku: skuA, quantity: 5, unitCost: 650 }], lastMonth),
    gr(
      `gr2-${run}`,
      `po1-${run}`,
      `eur-${run}`,
      'EUR',
      [
        { lineNo: 1, sku: skuA, quantity: 5, unitCost: 650 },
        { lineNo: 2, sku: skuC, quantity: 50, unitCost: 20 },
      ],
      at,
    ),
    [
      'purchase_order_created',
      {
        purchaseOrderId: `po2-${run}`,
        number: 'PO-000002',
        supplierId: `eur-${run}`,
        supplierName: 'Bohnen AG',
        currency: 'EUR',
        total: 700,
        lines: [line(1, skuA, 1, 700)],
        createdAt: at,
      },
      at,
    ],
    gr(`gr3-${run}`, `po2-${run}`, `eur-${run}`, 'EUR', [{ lineNo: 1, sku: skuA, quantity: 0 + 1, unitCost: 700 }], at),
    [
      'purchase_order_created',
      {
        purchaseOrderId: `po3-${run}`,
        number: 'PO-000003',
        supplierId: `eur-${run}`,
        supplierName: 'Bohnen AG',
        currency: 'EUR',
        total: 1300,
        lines: [line(1, skuC, 65, 20)],
        createdAt: at,
      },
      at,
    ],
    gr(`gr4-${run}`, `po3-${run}`, `eur-${run}`, 'EUR', [{ lineNo: 1, sku: skuC, quantity: 15, unitCost: 20 }], at),
    [
      'purchase_order_cancelled',
      { purchaseOrderId: `po3-${run}`, number: 'PO-000003', supplierId: `eur-${run}`, previousStatus: 'partially_received', cancelledAt: at },
      at,
    ],
    [
      'purchase_order_created',
      {
        purchaseOrderId: `po4-${run}`,
        number: 'PO-000004',
        supplierId: `usd-${run}`,
        supplierName: 'Rain Inc',
        currency: 'USD',
        total: 1000,
        lines: [line(1, `UMB-${run}`, 4, 250)],
        createdAt: at,
      },
      at,
    ],
    gr(`gr5-${run}`, null, null, 'USD', [{ lineNo: null, sku: `UMB-${run}`, quantity: 3, unitCost: 200 }], at),
  ];
  for (const [type, data, when] of events) {
    const e = sampleEvent(type, data, new Date(when));
    await h.bus.bus.js.publish(subjectFor(h.bus.prefix, type), JSON.stringify(e), { msgID: e.id });
  }
}
