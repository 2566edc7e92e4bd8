import { chart } from '../../shared/domain/chart-of-accounts.js';
import { adjustmentReasons } from '../../shared/domain/stock-movements.js';

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
  value: 'skus: value = sum of the movements\' value_delta, >= 0, 0 when nothing is on hand',
  ledger: 'ledger 1300 (inventory) per currency = sum of stock_levels.value',
  postings: 'movements with a value change: one balanced posting stock:<id>, inventory side = value_delta; no other stock posting',
  poLines: 'purchase order lines: received = its goods receipts\' quantities = its receipt movements <= ordered',
  poStatus: 'purchase orders: status agrees with the lines (received iff all in, partially iff some, none before sent; cancelled any)',
  receipts: 'goods receipts: each line booked by exactly one movement of its quantity and value; no movement of an unknown receipt',
  adjustments: 'adjustments: a reason of the list, no purchase order',
} as const;
export type StockInvariant = keyof typeof stockInvariants;

export async function checkStockAtCost(q: Query): Promise<StockReport> {
  const checked: Record<string, number> = {};
  const violations: Record<string, string[]> = {};
  const fail = (k: StockInvariant, what: string) => void (violations[stockInvariants[k]] ??= []).push(what);

  const levels = await q<{ sku: string; on_hand: string; value: string; m_value: string }>(
    `select l.sku, l.on_hand::text, l.value::text, coalesce(sum(m.value_delta), 0)::text as m_value
     from inventory.stock_levels l left join inventory.stock_movements m using (sku) group by l.sku, l.on_hand, l.value`,
  );
  for (const l of levels) {
    if (l.value !== l.m_value) fail('value', `${l.sku}: value ${l.value}, movements ${l.m_value}`);
    if (BigInt(l.value) < 0n) fail('value', `${l.sku}: value ${l.value} < 0`);
    if (l.on_hand === '0' && l.value !== '0') fail('value', `${l.sku}: nothing on hand worth ${l.value}`);
  }
  checked[stockInvariants.value] = levels.length;

  const ledger = await q<{ currency: string; balance: string; value: string }>(
    `with ledger as (select currency, sum(debit - credit) as balance from billing.ledger_entries where account = $1 group by currency),
          stock as (select p.currency, sum(l.value) as value from inventory.stock_levels l join inventory.products p using (sku) group by p.currency)
     select coalesce(l.currency, s.currency) as currency, coalesce(l.balance, 0)::text as balance, coalesce(s.value, 0)::text as value
     from ledger l full join stock s using (currency)`,
    [chart.inventory.code],
  );
  for (const c of ledger) if (c.balance !== c.value) fail('ledger', `${c.currency}: ledger ${c.balance}, stock ${c.value}`);
  checked[stockInvariants.ledger] = ledger.length;

  const postings = await q<{ id: string | null; value_delta: string | null; posting_id: string | null; debit: string | null; credit: string | null; inventory: string | null; postings: number }>(
    `with p as (
       select posting_id, sum(debit)::text as debit, sum(credit)::text as credit,
              coalesce(sum(debit - credit) filter (where account = $1), 0)::text as inventory
       from billing.ledger_entries where posting_id like 'stock:%' group by posting_id)
     select m.id::text, m.value_delta::text, p.posting_id, p.debit, p.credit, p.inventory
     from (select * from inventory.stock_movements where value_delta <> 0) m full join p on p.posting_id = 'stock:' || m.id`,
    [chart.inventory.code],
  );
  for (const p of postings) {
    if (p.id === null) fail('postings', `${p.posting_id}: no movement with a value change`);
    else if (p.posting_id === null) fail('postings', `movement ${p.id} (value ${p.value_delta}): no posting`);
    else {
      if (p.debit !== p.credit) fail('postings', `${p.posting_id}: debit ${p.debit}, credit ${p.credit}`);
      if (p.inventory !== p.value_delta) fail('postings', `${p.posting_id}: inventory ${p.inventory}, movement ${p.value_delta}`);
    }
  }
  checked[stockInvariants.postings] = postings.length;

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

  const receiptLines = await q<{ id: string; po: string | null; ord: number; sku: string; quantity: string; value: string; moves: number; moved: string; valued: string; po_moves: number }>(
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
