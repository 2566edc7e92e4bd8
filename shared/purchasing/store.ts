import { AppError } from '../errors.js';
import type { Tx } from '../db/pool.js';
import { purchaseOrderStep, type PurchaseOrderCommand, type PurchaseOrderStatus } from '../domain/purchase-order-lifecycle.js';

export interface LockedPurchaseOrder {
  id: string;
  number: string;
  supplierId: string;
  status: PurchaseOrderStatus;
  currency: string;
}

/**
 * Locks the purchase order's row for the rest of the transaction: every command on one order runs after
 * the one before it has committed, and sees what it wrote. Always taken before any stock level row
 * (docs/rules.md, "Purchase orders": the lock order), so receipts and reservations never deadlock.
 */
export async function lockPurchaseOrder(tx: Tx, id: string): Promise<LockedPurchaseOrder> {
  const { rows } = await tx.query<LockedPurchaseOrder>(
    'select id, number, supplier_id as "supplierId", status, currency from inventory.purchase_orders where id = $1 for update',
    [id],
  );
  const order = rows[0];
  if (!order) throw new AppError('unknown_purchase_order', `no purchase order ${id}`, { purchaseOrderId: id, path: 'purchaseOrderId' });
  return order;
}

/** Where the command takes the order (the lifecycle table), or the 409 saying why it may not. */
export function stepOrRefuse(order: LockedPurchaseOrder, command: PurchaseOrderCommand, linesOpen?: boolean): PurchaseOrderStatus {
  const step = purchaseOrderStep(order.status, command, linesOpen);
  if (!step.ok) throw new AppError(step.code, step.message, { status: order.status, path: 'purchaseOrderId' });
  return step.to;
}
