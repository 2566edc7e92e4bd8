import { AppError } from '../errors.js';
import type { Tx } from '../db/pool.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { lockOrder, type Wanted } from '../domain/stock.js';
import { accounts, type Entry } from '../domain/ledger.js';
import type { AccountCode } from '../domain/chart-of-accounts.js';
import { post } from '../billing/ledger.js';
import type { MovementKind, MovementReason } from '../domain/stock-movements.js';
import { averageCost, incomingUnitCost, inflowValue } from '../domain/stock-cost.js';

export interface LevelRow {
  sku: string;
  name: string;
  onHand: number;
  reserved: number;
  /** At cost, in the product's currency (shared/domain/stock-cost.ts). */
  value: number;
  currency: string;
  /** The last receipt's unit cost: what goods coming in with no cost of their own are valued at on an empty shelf. */
  lastUnitCost: number | null;
}

/**
 * The account on the other side of Inventory (1300) when a movement changes the stock's value
 * (docs/ledger.md, "Inventory at cost"): goods bought are owed to the supplier until the bill is booked
 * (2050), opening stock is the owner's (3000), goods sold are cost of sales (5000), and stock found or
 * lost in a count, a breakage or a theft is a write-off (5100).
 */
export function counterAccount(kind: MovementKind, reason: MovementReason | undefined): AccountCode {
  if (kind === 'shipment' || kind === 'return') return accounts.costOfGoodsSold;
  if (kind === 'adjustment') return accounts.inventoryWriteOffs;
  return reason === 'opening' ? accounts.ownersEquity : accounts.goodsReceivedNotInvoiced;
}

/** Inventory against its counter account for a value change (positive: stock gains value). */
export function stockPosting(valueDelta: number, counter: AccountCode): Entry[] {
  const amount = Math.abs(valueDelta);
  const inventory = { account: accounts.inventory, debit: valueDelta > 0 ? amount : 0, credit: valueDelta < 0 ? amount : 0 };
  return [inventory, { account: counter, debit: inventory.credit, credit: inventory.debit }];
}

/** Locks the level rows of these skus in a fixed order (no deadlocks) and returns them by sku. */
export async function lockLevels(tx: Tx, wanted: Wanted[]): Promise<Map<string, LevelRow>> {
  const skus = lockOrder(wanted);
  const { rows } = await tx.query<{
    sku: string;
    name: string;
    on_hand: number;
    reserved: number;
    value: number;
    currency: string;
    last_unit_cost: number | null;
  }>(
    `select s.sku, p.name, s.on_hand, s.reserved, s.value, p.currency, s.last_unit_cost from inventory.stock_levels s join inventory.products p using (sku)
     where s.sku = any($1) order by s.sku for update of s`,
    [skus],
  );
  return new Map(
    rows.map((r) => [
      r.sku,
      {
        sku: r.sku,
        name: r.name,
        onHand: r.on_hand,
        reserved: r.reserved,
        value: Number(r.value),
        currency: r.currency,
        lastUnitCost: r.last_unit_cost === null ? null : Number(r.last_unit_cost),
      },
    ]),
  );
}

export interface Move {
  kind: MovementKind;
  onHandDelta: number;
  reservedDelta: number;
  /** The change in the stock's value at cost (shared/domain/stock-cost.ts computes it); 0 when none. */
  valueDelta?: number;
  /** A receipt's unit cost, remembered as the level's last (see LevelRow.lastUnitCost). */
  unitCost?: number;
  reason?: MovementReason;
  orderId?: string;
  purchaseOrderId?: string;
  receiptId?: string;
  note?: string | undefined;
}

/**
 * The only way stock changes: a movement row and the counters, in the caller's transaction, with a
 * stock_changed event carrying the new absolute levels and value (so projections need no read-back) and
 * the movement id, which orders the levels of one sku even when publishes reach the stream out of order.
 * A change of value is booked to the ledger in the same transaction (posting `stock:<movement id>`).
 */
export async function moveStock(uow: UnitOfWork, level: LevelRow, move: Move): Promise<LevelRow & { movementId: number }> {
  const valueDelta = move.valueDelta ?? 0;
  const movement = await uow.tx.query<{ id: string }>(
    `insert into inventory.stock_movements (sku, kind, on_hand_delta, reserved_delta, order_id, note, value_delta, purchase_order_id, receipt_id, reason, actor, at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id`,
    [
      level.sku,
      move.kind,
      move.onHandDelta,
      move.reservedDelta,
      move.orderId ?? null,
      move.note ?? null,
      valueDelta,
      move.purchaseOrderId ?? null,
      move.receiptId ?? null,
      move.reason ?? null,
      uow.cause.actor,
      uow.now,
    ],
  );
  const movementId = Number(movement.rows[0]!.id);
  const next: LevelRow = {
    ...level,
    onHand: level.onHand + move.onHandDelta,
    reserved: level.reserved + move.reservedDelta,
    value: level.value + valueDelta,
    lastUnitCost: move.unitCost ?? level.lastUnitCost,
  };
  await uow.tx.query('update inventory.stock_levels set on_hand = $2, reserved = $3, value = $4, last_unit_cost = $5 where sku = $1', [
    level.sku,
    next.onHand,
    next.reserved,
    next.value,
    next.lastUnitCost,
  ]);
  if (valueDelta !== 0) {
    await post(
      uow.tx,
      { id: `stock:${movementId}`, invoiceId: null },
      level.currency,
      stockPosting(valueDelta, counterAccount(move.kind, move.reason)),
      uow.now,
    );
  }
  uow.emit('stock_changed', {
    sku: level.sku,
    name: level.name,
    onHand: next.onHand,
    reserved: next.reserved,
    available: next.onHand - next.reserved,
    reason: move.kind,
    orderId: move.orderId ?? null,
    movementId,
    value: next.value,
    valueDelta,
    currency: level.currency,
    ...(move.reason ? { movementReason: move.reason } : {}),
    ...(move.purchaseOrderId ? { purchaseOrderId: move.purchaseOrderId } : {}),
  });
  return { ...next, movementId };
}

export function levelView(l: LevelRow) {
  return {
    sku: l.sku,
    onHand: l.onHand,
    reserved: l.reserved,
    available: l.onHand - l.reserved,
    value: l.value,
    averageCost: averageCost(l),
    currency: l.currency,
  };
}

/**
 * Goods in without a purchase order (the roles that received before buying existed still may): at the
 * unit cost given, else at the shelf's average cost, else the last receipt's, else nothing. The ledger
 * and the movement say it was unordered.
 */
export async function receiveStock(uow: UnitOfWork, input: { sku: string; quantity: number; unitCost?: number | undefined; note?: string | undefined }) {
  const levels = await lockLevels(uow.tx, [input]);
  const level = levels.get(input.sku);
  if (!level) throw new AppError('unknown_sku', `no product with sku ${input.sku}`, { sku: input.sku, path: 'sku' });
  const unitCost = incomingUnitCost(level, input.unitCost);
  const next = await moveStock(uow, level, {
    kind: 'receipt',
    reason: 'unordered',
    onHandDelta: input.quantity,
    reservedDelta: 0,
    valueDelta: inflowValue(input.quantity, unitCost),
    ...(input.unitCost !== undefined ? { unitCost: input.unitCost } : {}),
    note: input.note,
  });
  return levelView(next);
}
