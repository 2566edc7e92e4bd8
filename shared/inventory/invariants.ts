import type { Pool, Tx } from '../db/pool.js';
import { accounts } from '../domain/ledger.js';

// The invariants of stock at cost (docs/ledger.md, "Inventory at cost"), as SQL that returns the rows
// that break them: none when all is well. One source for the integration tests and the fault suite.
// Each query reads inventory's and billing's tables directly (run them as the owner or the app role).

/**
 * Per sku: the level is exactly the sum of its movements (on hand, reserved and value at cost), the
 * value is never negative, and nothing on hand is worth nothing. Rows: the skus that break it.
 */
export const levelsEqualMovementsSql = `
  select s.sku, s.on_hand, s.reserved, s.value,
         coalesce(m.on_hand, 0)::bigint as movements_on_hand, coalesce(m.reserved, 0)::bigint as movements_reserved, coalesce(m.value, 0)::bigint as movements_value
  from inventory.stock_levels s
  left join (select sku, sum(on_hand_delta) as on_hand, sum(reserved_delta) as reserved, sum(value_delta) as value
             from inventory.stock_movements group by sku) m using (sku)
  where s.on_hand <> coalesce(m.on_hand, 0) or s.reserved <> coalesce(m.reserved, 0) or s.value <> coalesce(m.value, 0)
     or s.value < 0 or (s.on_hand = 0 and s.value <> 0)`;

/**
 * Per currency: the ledger's Inventory (1300) balance, debit minus credit, equals the stock's value
 * (stock_levels.value summed over the products priced in that currency). $1: the 1300 account code.
 * Rows: the currencies where they differ.
 */
export const inventoryLedgerEqualsValueSql = `
  with ledger as (select currency, sum(debit - credit) as balance from billing.ledger_entries where account = $1 group by currency),
       stock as (select p.currency, sum(s.value) as value from inventory.stock_levels s join inventory.products p using (sku) group by p.currency)
  select coalesce(l.currency, s.currency) as currency, coalesce(l.balance, 0)::bigint as ledger, coalesce(s.value, 0)::bigint as value
  from ledger l full join stock s on s.currency = l.currency
  where coalesce(l.balance, 0) <> coalesce(s.value, 0)`;

/**
 * The same at any past instant $2 (inclusive): the 1300 balance booked up to then equals the value of
 * the movements up to then, per currency (what GET query/stock/valuation?at= answers). Rows: the differences.
 */
export const inventoryLedgerEqualsValueAtSql = `
  with ledger as (select currency, sum(debit - credit) as balance from billing.ledger_entries where account = $1 and at <= $2 group by currency),
       stock as (select p.currency, sum(m.value_delta) as value from inventory.stock_movements m join inventory.products p using (sku) where m.at <= $2 group by p.currency)
  select coalesce(l.currency, s.currency) as currency, coalesce(l.balance, 0)::bigint as ledger, coalesce(s.value, 0)::bigint as value
  from ledger l full join stock s on s.currency = l.currency
  where coalesce(l.balance, 0) <> coalesce(s.value, 0)`;

/** Every stock posting (`stock:<movement id>`) balances and books exactly its movement's value on 1300. $1: the 1300 account code. */
export const stockPostingsMatchMovementsSql = `
  with postings as (select posting_id, sum(debit) as debit, sum(credit) as credit,
                           sum(case when account = $1 then debit - credit else 0 end) as inventory
                    from billing.ledger_entries where posting_id like 'stock:%' group by posting_id)
  select coalesce(p.posting_id, 'stock:' || m.id) as posting_id, p.debit, p.credit, p.inventory, m.value_delta
  from postings p full join (select id, value_delta from inventory.stock_movements where value_delta <> 0) m on p.posting_id = 'stock:' || m.id
  where p.posting_id is null or m.id is null or p.debit <> p.credit or p.inventory <> m.value_delta`;

/** What broke, as sentences (empty when every invariant holds). */
export async function stockValueProblems(db: Pool | Tx): Promise<string[]> {
  const problems: string[] = [];
  for (const r of (await db.query(levelsEqualMovementsSql)).rows) problems.push(`level differs from its movements: ${JSON.stringify(r)}`);
  for (const r of (await db.query(inventoryLedgerEqualsValueSql, [accounts.inventory])).rows)
    problems.push(`ledger 1300 differs from the stock value: ${JSON.stringify(r)}`);
  for (const r of (await db.query(stockPostingsMatchMovementsSql, [accounts.inventory])).rows)
    problems.push(`stock posting does not match its movement: ${JSON.stringify(r)}`);
  return problems;
}
