import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../errors.js';
import { planReceipt, type OrderedLine, type ReceiptRequestLine } from '../domain/purchase-receipt.js';
import { lockLevels, moveStock } from '../inventory/stock.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { lockPurchaseOrder, stepOrRefuse } from './store.js';
import { readPurchaseOrder } from './read.js';

export interface ReceiptInput {
  purchaseOrderId: string;
  lines: ReceiptRequestLine[];
  note?: string | undefined;
}

/**
 * Goods received against a purchase order, in one transaction (docs/rules.md, "Purchase orders"): the
 * order's row is locked first, so two receipts of one line run one after the other and the second sees
 * what the first took in; then the stock levels, in sku order. Each line enters stock through moveStock
 * (the only way stock changes) at the order's unit cost, booked to 1300 against 2050.
 */
export async function receivePurchaseOrder(uow: UnitOfWork, input: ReceiptInput) {
  const order = await lockPurchaseOrder(uow.tx, input.purchaseOrderId);
  stepOrRefuse(order, 'receive', true); // a draft, received or cancelled order takes no goods, whatever the lines say
  const { rows: ordered } = await uow.tx.query<OrderedLine>(
    `select line_no as "lineNo", sku, quantity, unit_cost as "unitCost", received from inventory.purchase_order_lines
     where purchase_order_id = $1 order by line_no`,
    [order.id],
  );
  const plan = planReceipt(ordered, input.lines);
  if (!plan.ok) throw new AppError(plan.code, plan.message, { path: plan.path, ...plan.details });
  const status = stepOrRefuse(order, 'receive', plan.linesOpen);

  const receiptId = uuidv7();
  await uow.tx.query('insert into inventory.goods_receipts (id, purchase_order_id, lines, note, actor, received_at) values ($1, $2, $3, $4, $5, $6)', [
    receiptId,
    order.id,
    JSON.stringify(plan.lines),
    input.note ?? null,
    uow.cause.actor,
    uow.now,
  ]);
  const levels = await lockLevels(uow.tx, plan.lines);
  for (const line of [...plan.lines].sort((a, b) => a.lineNo - b.lineNo)) {
    await uow.tx.query('update inventory.purchase_order_lines set received = received + $3 where purchase_order_id = $1 and line_no = $2', [
      order.id,
      line.lineNo,
      line.quantity,
    ]);
    const level = levels.get(line.sku);
    if (!level) throw new Error(`no stock level row for ${line.sku}`); // every product has one (upsert-product): our bug, a 500
    levels.set(
      line.sku,
      await moveStock(uow, level, {
        kind: 'receipt',
        reason: 'purchase_order',
        onHandDelta: line.quantity,
        reservedDelta: 0,
        valueDelta: line.value,
        unitCost: line.unitCost,
        purchaseOrderId: order.id,
        receiptId,
        note: input.note,
      }),
    );
  }
  await uow.tx.query('update inventory.purchase_orders set status = $2, updated_at = $3 where id = $1', [order.id, status, uow.now]);
  uow.emit('goods_received', {
    receiptId,
    purchaseOrderId: order.id,
    supplierId: order.supplierId,
    currency: order.currency,
    lines: plan.lines,
    purchaseOrderStatus: status,
    receivedAt: uow.now.toISOString(),
  });
  return { receiptId, purchaseOrder: (await readPurchaseOrder(uow.tx, order.id))!, lines: plan.lines };
}
