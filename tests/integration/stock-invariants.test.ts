import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chart } from '../../shared/domain/chart-of-accounts.js';
import type { Tx } from '../../shared/db/pool.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { checkStockAtCost, stockInvariants, type Query, type StockInvariant } from '../faults/stock-invariants.js';

// The fault suite's checks of stock at cost and buying must be able to fail: a consistent book of one
// partly received purchase order, an unordered receipt and a breakage, then one corruption at a time
// (in a transaction rolled back) and the invariant it breaks. Rows are written straight to a scratch
// database: what is tested is the checker, not the commands that write them.
let db: TestDatabase;
const inv = chart.inventory.code;

beforeAll(async () => {
  db = await createTestDatabase('stockinv');
  await db.pool.query(`
    insert into inventory.products (sku, name, unit_price, currency) values ('P1', 'Bolt', 250, 'EUR'), ('P2', 'Nut', 90, 'EUR'), ('P3', 'Cog', 900, 'CHF');
    insert into inventory.stock_levels (sku, on_hand, reserved, value, last_unit_cost) values ('P1', 9, 2, 900, 100), ('P2', 0, 0, 0, null), ('P3', 3, 0, 1500, 500);
    insert into inventory.suppliers (id, name, currency) values ('S1', 'Bolts Ltd', 'EUR'), ('S2', 'Cogs AG', 'CHF');
    insert into inventory.purchase_orders (id, number, supplier_id, status, currency, created_by, sent_at) values
      ('po-1', 'PO-000001', 'S1', 'partially_received', 'EUR', 'clerk', now()),
      ('po-2', 'PO-000002', 'S1', 'draft', 'EUR', 'clerk', null),
      ('po-3', 'PO-000003', 'S2', 'received', 'CHF', 'clerk', now());
    insert into inventory.purchase_order_lines (purchase_order_id, line_no, sku, quantity, unit_cost, received) values
      ('po-1', 1, 'P1', 10, 100, 4), ('po-1', 2, 'P2', 5, 40, 0), ('po-2', 1, 'P2', 7, 40, 0), ('po-3', 1, 'P3', 3, 500, 3);
    insert into inventory.goods_receipts (id, purchase_order_id, lines, actor) values
      ('gr-1', 'po-1', '[{"lineNo": 1, "sku": "P1", "quantity": 4, "unitCost": 100, "value": 400}]', 'clerk'),
      ('gr-2', 'po-3', '[{"lineNo": 1, "sku": "P3", "quantity": 3, "unitCost": 500, "value": 1500}]', 'clerk');
    insert into inventory.stock_movements (id, sku, kind, on_hand_delta, reserved_delta, value_delta, purchase_order_id, receipt_id, reason, actor, order_id) values
      (1, 'P1', 'receipt', 6, 0, 600, null, null, 'unordered', 'clerk', null),
      (2, 'P1', 'receipt', 4, 0, 400, 'po-1', 'gr-1', 'purchase_order', 'clerk', null),
      (3, 'P1', 'adjustment', -1, 0, -100, null, null, 'damage', 'clerk', null),
      (4, 'P1', 'reservation', 0, 2, 0, null, null, null, 'service', 'o-1'),
      (5, 'P3', 'receipt', 3, 0, 1500, 'po-3', 'gr-2', 'purchase_order', 'clerk', null);
    select setval('inventory.stock_movements_id_seq', 100);
    insert into billing.ledger_entries (posting_id, account, debit, credit, currency) values
      ('stock:1', '${inv}', 600, 0, 'EUR'), ('stock:1', '${chart.goodsReceivedNotInvoiced.code}', 0, 600, 'EUR'),
      ('stock:2', '${inv}', 400, 0, 'EUR'), ('stock:2', '${chart.goodsReceivedNotInvoiced.code}', 0, 400, 'EUR'),
      ('stock:3', '${chart.inventoryWriteOffs.code}', 100, 0, 'EUR'), ('stock:3', '${inv}', 0, 100, 'EUR'),
      ('stock:5', '${inv}', 1500, 0, 'CHF'), ('stock:5', '${chart.goodsReceivedNotInvoiced.code}', 0, 1500, 'CHF');
  `);
});
afterAll(async () => db?.drop());

const queryOn =
  (tx: Tx): Query =>
  async (sql, params = []) =>
    (await tx.query(sql, params)).rows;

/** The checks' answer after `corrupt` ran in a transaction that is then rolled back. */
async function afterCorrupting(corrupt: string) {
  const tx = await db.pool.connect();
  try {
    await tx.query('begin');
    await tx.query(corrupt);
    return await checkStockAtCost(queryOn(tx));
  } finally {
    await tx.query('rollback');
    tx.release();
  }
}

describe('the stock-at-cost invariants of the fault suite', () => {
  it('hold on a consistent book, and compare something in each', async () => {
    const tx = await db.pool.connect();
    const report = await checkStockAtCost(queryOn(tx)).finally(() => tx.release());
    expect(report.violations).toEqual({});
    for (const name of Object.values(stockInvariants)) expect(report.checked[name], name).toBeGreaterThan(0);
  });

  const corruptions: [string, string, StockInvariant[]][] = [
    ['a level worth a cent more than its movements', `update inventory.stock_levels set value = value + 1 where sku = 'P1'`, ['value', 'ledger']],
    [
      'an empty shelf still worth something (constraint dropped)',
      `alter table inventory.stock_levels drop constraint stock_levels_empty_is_worthless;
      update inventory.stock_levels set value = 7 where sku = 'P2'; insert into inventory.stock_movements (sku, kind, on_hand_delta, reserved_delta, value_delta, reason) values ('P2', 'adjustment', 0, 0, 7, 'correction')`,
      ['value', 'ledger', 'postings'],
    ],
    [
      'the inventory account one cent off',
      `update billing.ledger_entries set debit = debit + 1 where posting_id = 'stock:1' and account = '${inv}'`,
      ['ledger', 'postings'],
    ],
    ['a movement whose value was never booked', `delete from billing.ledger_entries where posting_id = 'stock:3'`, ['ledger', 'postings']],
    [
      'a stock posting of no movement',
      `insert into billing.ledger_entries (posting_id, account, debit, credit, currency) values ('stock:99', '${inv}', 5, 0, 'EUR'), ('stock:99', '${chart.goodsReceivedNotInvoiced.code}', 0, 5, 'EUR')`,
      ['postings', 'ledger'],
    ],
    [
      'a line received beyond its receipts',
      `update inventory.purchase_order_lines set received = 5 where purchase_order_id = 'po-1' and line_no = 1`,
      ['poLines'],
    ],
    ['a received order with a line open', `update inventory.purchase_orders set status = 'received' where id = 'po-1'`, ['poStatus']],
    ['an order all in but still partially received', `update inventory.purchase_orders set status = 'partially_received' where id = 'po-3'`, ['poStatus']],
    ['a sent order with goods in', `update inventory.purchase_orders set status = 'sent' where id = 'po-1'`, ['poStatus']],
    [
      'a receipt booked twice (retried after a SIGKILL)',
      `insert into inventory.stock_movements (id, sku, kind, on_hand_delta, reserved_delta, value_delta, purchase_order_id, receipt_id, reason) values (6, 'P1', 'receipt', 4, 0, 400, 'po-1', 'gr-1', 'purchase_order');
      update inventory.stock_levels set on_hand = on_hand + 4, value = value + 400 where sku = 'P1';
      insert into billing.ledger_entries (posting_id, account, debit, credit, currency) values ('stock:6', '${inv}', 400, 0, 'EUR'), ('stock:6', '${chart.goodsReceivedNotInvoiced.code}', 0, 400, 'EUR')`,
      ['receipts', 'poLines'],
    ],
    [
      'a receipt whose movement is lost',
      `delete from billing.ledger_entries where posting_id = 'stock:5'; delete from inventory.stock_movements where id = 5;
      update inventory.stock_levels set on_hand = 0, value = 0 where sku = 'P3'`,
      ['receipts', 'poLines'],
    ],
    ['a movement of a receipt that does not exist', `update inventory.stock_movements set receipt_id = 'gr-9' where id = 2`, ['receipts']],
    ['an adjustment with no reason', `update inventory.stock_movements set reason = null where id = 3`, ['adjustments']],
  ];
  it.each(corruptions)('fail on %s', async (_what, corrupt, broken) => {
    const { violations } = await afterCorrupting(corrupt);
    expect(Object.keys(violations).sort()).toEqual(broken.map((k) => stockInvariants[k]).sort());
  });
});
