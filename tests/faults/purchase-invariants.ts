import { expect } from 'vitest';
import type { Flow } from './driver.js';

// The buying part of the invariants (invariants.ts runs it): purchase orders, goods receipts, adjustments.

/**
 * What the driver was told about buying against Postgres: every purchase order it got a 201 for exists
 * once with its lines; every receipt it got a 200 for exists once with the quantities it asked for; one
 * receipt per Idempotency-Key (a receipt retried after a SIGKILL with its key was never booked twice);
 * every adjustment it got a 200 for is one movement with the deltas answered.
 */
export async function checkPurchases(
  q: <T = any>(sql: string, params?: unknown[]) => Promise<T[]>,
  flow: Flow,
  checked: Record<string, number>,
): Promise<void> {
  const poIds = [...flow.purchaseOrders.keys()];
  const pos = await q<{ id: string; lines: string }>(
    `select o.id, jsonb_agg(jsonb_build_array(l.sku, l.quantity, l.unit_cost) order by l.line_no)::text as lines
     from inventory.purchase_orders o join inventory.purchase_order_lines l on l.purchase_order_id = o.id where o.id = any($1) group by o.id`,
    [poIds],
  );
  expect(pos.length, 'accepted purchase orders found').toBe(poIds.length);
  for (const o of pos)
    expect(JSON.parse(o.lines), `purchase order ${o.id} lines`).toEqual(flow.purchaseOrders.get(o.id)!.lines.map((l) => [l.sku, l.quantity, l.unitCost]));
  const [poKeys] = await q<{ keyed: number; created: number }>(
    `select (select count(*) from platform.idempotency where scope like 'receive-stock/purchase-order:%' and status = 201)::int as keyed,
            (select count(*) from inventory.purchase_orders)::int as created`,
  );
  expect(poKeys!.created, 'purchase orders vs keyed creates').toBe(poKeys!.keyed);
  checked['accepted purchase orders exist once, with their lines'] = poIds.length;

  const receiptIds = [...flow.poReceipts.keys()];
  const receipts = await q<{ id: string; purchase_order_id: string; lines: { lineNo: number; quantity: number }[] }>(
    'select id, purchase_order_id, lines from inventory.goods_receipts where id = any($1)',
    [receiptIds],
  );
  expect(receipts.length, 'accepted goods receipts found').toBe(receiptIds.length);
  for (const r of receipts) {
    const told = flow.poReceipts.get(r.id)!;
    expect({ po: r.purchase_order_id, lines: r.lines.map((l) => [l.lineNo, Number(l.quantity)]) }, `receipt ${r.id}`).toEqual({
      po: told.purchaseOrderId,
      lines: told.lines.map((l) => [l.lineNo, l.quantity]),
    });
  }
  const [rKeys] = await q<{ keyed: number; distinct_ids: number; booked: number }>(
    `select (select count(*) from platform.idempotency where scope like 'receive-stock/purchase-order/receive:%' and status = 200)::int as keyed,
            (select count(distinct response->>'receiptId') from platform.idempotency where scope like 'receive-stock/purchase-order/receive:%' and status = 200)::int as distinct_ids,
            (select count(*) from inventory.goods_receipts where purchase_order_id is not null)::int as booked`,
  );
  expect(rKeys!.distinct_ids, 'goods receipts per Idempotency-Key').toBe(rKeys!.keyed);
  expect(rKeys!.booked, 'goods receipts vs keyed receipts').toBe(rKeys!.keyed);
  checked['accepted goods receipts exist once (one per key)'] = receiptIds.length;

  const movementIds = [...flow.adjustments.keys()];
  const moves = await q<{ id: string; sku: string; on_hand_delta: string; value_delta: string; reason: string }>(
    "select id::text, sku, on_hand_delta::text, value_delta::text, reason from inventory.stock_movements where kind = 'adjustment' and id = any($1::bigint[])",
    [movementIds],
  );
  expect(moves.map((m) => [m.id, m.sku, Number(m.on_hand_delta), Number(m.value_delta), m.reason]).sort(), 'accepted adjustments').toEqual(
    movementIds
      .map((id) => {
        const a = flow.adjustments.get(id)!;
        return [id, a.sku, a.quantityDelta, a.valueDelta, a.reason];
      })
      .sort(),
  );
  checked['accepted adjustments are one movement each, as answered'] = movementIds.length;
}
