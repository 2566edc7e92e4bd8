import { chart } from '../../shared/domain/chart-of-accounts.js';
import { adjustmentReasons } from '../../shared/domain/stock-movements.js';
import { inventoryLedgerEqualsValueSql, levelsEqualMovementsSql, stockPostingsMatchMovementsSql } from '../../shared/inventory/invariants.js';

// Stock at cost and buying (issue 20), checked against Postgres alone (migration 016's tables): the
// fault suite runs them after its flow has settled, tests/integration/stock-invariants.test.ts corrupts
// one row at a time and sees each of them fail. Each check names what it found wrong instead of
// asserting, so a test can say WHICH invariant a corruption broke. With no purchase at all they hold
// trivially (no rows to compare).

export type Query = <T = any>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface StockReport {
  /** How many things each invariant compared. */
  checked: Record<string, number>;
  /** Invariant name -> what broke it (empty when it held). */
  violations: Record<string, string[]>;
}

export const stockInvariants = {
  value: 'skus: on hand, reserved and value = the sums of their movements, value >= 0, 0 when nothing is on hand',
  ledger: 'ledger 1300 (inventory) per currency = sum of stock_levels.value',
  postings: 'movements with a value change: one balanced posting stock:<id>, inventory side = value_delta; no other stock posting',
  poLines: "purchase order lines: received = its goods receipts' quantities = its receipt movements <= ordered",
  poStatus: 'purchase orders: status agrees with the lines (received iff all in, partially iff some, none before sent; cancelled any)',
  receipts: 'goods receipts: each line booked by exactly one movement of its quantity and value; no movement of an unknown receipt',
  adjustments: 'adjustments: a reason of the list, no purchase order',
} as const;
export type StockInvariant = keyof typeof stockInvariants;

export async function checkStockAtCost(q: Query): Promise<StockReport> {
  const checked: Record<string, number> = {};
  const violations: Record<string, string[]> = {};
  const fail = (k: StockInvariant, what: string) => void (violations[stockInvariants[k]] ??= []).push(what);

  // The three of stock at cost have one source, shared/inventory/invariants.ts (each query returns what breaks it).
  for (const r of await q(levelsEqualMovementsSql)) fail('value', JSON.stringify(r));
  checked[stockInvariants.value] = Number((await q<{ n: string }>('select count(*) as n from inventory.stock_levels'))[0]!.n);
  for (const r of await q(inventoryLedgerEqualsValueSql, [chart.inventory.code])) fail('ledger', JSON.stringify(r));
  checked[stockInvariants.ledger] = Number((await q<{ n: string }>('select count(distinct currency) as n from inventory.products'))[0]!.n);
  for (const r of await q(stockPostingsMatchMovementsSql, [chart.inventory.code])) fail('postings', JSON.stringify(r));
  checked[stockInvariants.postings] = Number((await q<{ n: string }>('select count(*) as n from inventory.stock_movements where value_delta <> 0'))[0]!.n);

  const lines = await q<{ po: string; line_no: number; quantity: string; received: string; in_receipts: string; moved: string }>(
    `select l.purchase_order_id as po, l.line_no, l.quantity::text, l.received::text,
            coalesce((select sum((x->>'quantity')::bigint) from inventory.goods_receipts r cross join jsonb_array_elements(r.lines) x
                      where r.purchase_order_id = l.purchase_order_id and (x->>'lineNo')::int = l.line_no), 0)::text as in_receipts,
            coalesce((select sum(m.on_hand_delta) from inventory.stock_movements m
                      where m.purchase_order_id = l.purchase_order_id and m.sku = l.sku and m.kind = 'receipt'), 0)::text as moved
     from inventory.purchase_order_lines l`,
  );
  for (const l of lines) {
    const what = `${l.po} line ${l.line_no}`;
    if (l.received !== l.in_receipts) fail('poLines', `${what}: received ${l.received}, its receipts ${l.in_receipts}`);
    if (l.received !== l.moved) fail('poLines', `${what}: received ${l.received}, its movements ${l.moved}`);
    if (BigInt(l.received) > BigInt(l.quantity)) fail('poLines', `${what}: received ${l.received} > ordered ${l.quantity}`);
  }
  checked[stockInvariants.poLines] = lines.length;

  const orders = await q<{ id: string; status: string; sent: boolean; lines: number; complete: number; received: string }>(
    `select o.id, o.status, o.sent_at is not null as sent, count(l.line_no)::int as lines,
            count(*) filter (where l.received = l.quantity)::int as complete, coalesce(sum(l.received), 0)::text as received
     from inventory.purchase_orders o left join inventory.purchase_order_lines l on l.purchase_order_id = o.id group by o.id`,
  );
  for (const o of orders) {
    const what = `${o.id} (${o.status}, ${o.complete}/${o.lines} lines in, ${o.received} units)`;
    const all = o.lines > 0 && o.complete === o.lines;
    const some = o.received !== '0';
    if (o.lines === 0) fail('poStatus', `${what}: no lines`);
    if (o.status === 'received' && !all) fail('poStatus', `${what}: received with lines open`);
    if (all && o.status !== 'received' && o.status !== 'cancelled') fail('poStatus', `${what}: every line in`);
    if (o.status === 'partially_received' && (!some || all)) fail('poStatus', `${what}: partially received`);
    if ((o.status === 'draft' || o.status === 'sent') && some) fail('poStatus', `${what}: goods in before any receipt status`);
    if (o.status === 'draft' && o.sent) fail('poStatus', `${what}: a draft with a sent date`);
    if (['sent', 'partially_received', 'received'].includes(o.status) && !o.sent) fail('poStatus', `${what}: never sent`);
  }
  checked[stockInvariants.poStatus] = orders.length;

  const receiptLines = await q<{
    id: string;
    po: string | null;
    ord: number;
    sku: string;
    quantity: string;
    value: string;
    moves: number;
    moved: string;
    valued: string;
    po_moves: number;
  }>(
    `select r.id, r.purchase_order_id as po, x.ord::int, x.line->>'sku' as sku, (x.line->>'quantity')::bigint::text as quantity, (x.line->>'value')::bigint::text as value,
            count(m.id)::int as moves, coalesce(sum(m.on_hand_delta), 0)::text as moved, coalesce(sum(m.value_delta), 0)::text as valued,
            count(m.id) filter (where m.purchase_order_id is not distinct from r.purchase_order_id and m.kind = 'receipt')::int as po_moves
     from inventory.goods_receipts r cross join jsonb_array_elements(r.lines) with ordinality x(line, ord)
     left join inventory.stock_movements m on m.receipt_id = r.id and m.sku = x.line->>'sku'
     group by r.id, r.purchase_order_id, x.ord, x.line`,
  );
  for (const l of receiptLines) {
    const what = `receipt ${l.id} line ${l.ord} (${l.sku})`;
    if (l.moves !== 1) fail('receipts', `${what}: ${l.moves} movements`);
    else if (l.moved !== l.quantity || l.valued !== l.value) fail('receipts', `${what}: ${l.quantity} worth ${l.value}, booked ${l.moved} worth ${l.valued}`);
    else if (l.po_moves !== 1) fail('receipts', `${what}: its movement is not a receipt of ${l.po ?? 'no purchase order'}`);
  }
  const orphans = await q<{ id: string; receipt_id: string }>(
    `select m.id::text, m.receipt_id from inventory.stock_movements m
     where m.receipt_id is not null and not exists (select 1 from inventory.goods_receipts r where r.id = m.receipt_id)
        or (m.purchase_order_id is not null and m.kind = 'receipt' and m.receipt_id is null)`,
  );
  for (const m of orphans) fail('receipts', `movement ${m.id}: receipt ${m.receipt_id ?? '(none, on a purchase order)'} does not exist`);
  checked[stockInvariants.receipts] = receiptLines.length;

  const adjustments = await q<{ id: string; reason: string | null; po: string | null }>(
    `select id::text, reason, purchase_order_id as po from inventory.stock_movements where kind = 'adjustment'`,
  );
  for (const a of adjustments) {
    if (!(adjustmentReasons as readonly (string | null)[]).includes(a.reason)) fail('adjustments', `movement ${a.id}: reason ${a.reason}`);
    if (a.po !== null) fail('adjustments', `movement ${a.id}: on purchase order ${a.po}`);
  }
  checked[stockInvariants.adjustments] = adjustments.length;

  return { checked, violations };
}
