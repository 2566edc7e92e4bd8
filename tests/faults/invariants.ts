import { expect } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import type { Pool } from '../../shared/db/pool.js';
import { chart } from '../../shared/domain/chart-of-accounts.js';
import type { Box } from '../support/box.js';
import { waitFor } from '../support/wait.js';
import type { Flow } from './driver.js';
import { checkPurchases } from './purchase-invariants.js';
import { checkStockAtCost } from './stock-invariants.js';

// After the flow stops: wait (polling, with a deadline) until the box has settled, then check what
// Postgres says against what the driver was told. Each check counts what it compared.

/** Settled: no unpublished outbox row, every consumer caught up and nothing in flight, no order pending. */
export async function settle(box: Box, db: Pool, nc: NatsConnection, timeoutMs: number): Promise<{ ms: number }> {
  const started = Date.now();
  const jsm = await jetstreamManager(nc);
  let last = '';
  await waitFor(
    async () => {
      const { rows } = await db.query<{ unpublished: number; pending: number }>(
        `select (select count(*) from platform.outbox where published_at is null)::int as unpublished,
                (select count(*) from orders.orders where status = 'pending')::int as pending`,
      );
      const busy: string[] = [];
      for await (const c of jsm.consumers.list(box.stream)) {
        if (c.num_pending > 0 || c.num_ack_pending > 0) busy.push(`${c.name}: ${c.num_pending} pending, ${c.num_ack_pending} unacked`);
      }
      last = `unpublished outbox ${rows[0]!.unpublished}, pending orders ${rows[0]!.pending}, busy consumers [${busy.join('; ')}]`;
      return rows[0]!.unpublished === 0 && rows[0]!.pending === 0 && busy.length === 0;
    },
    { timeoutMs, intervalMs: 500, what: () => `the box to settle: ${last}` },
  );
  return { ms: Date.now() - started };
}

export type Checked = Record<string, number>;

/** Every invariant of issue 7 against Postgres truth; returns how many things each one compared. */
export async function checkInvariants(box: Box, db: Pool, nc: NatsConnection, flow: Flow): Promise<Checked> {
  const checked: Checked = {};
  const q = async <T = any>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows as T[];

  // 1. Every accepted order exists exactly once; every order has the key of one logical order.
  const accepted = [...flow.accepted.keys()];
  const found = await q<{ id: string; total: number }>('select id, total from orders.orders where id = any($1)', [accepted]);
  expect(found.length, 'accepted orders found in Postgres').toBe(accepted.length);
  for (const o of found) expect(o.total, `order ${o.id} total`).toBe(flow.accepted.get(o.id)!.total);
  checked['accepted orders exist once, with the total answered'] = accepted.length;
  const [keys] = await q<{ keyed: number; orders: number; distinct_ids: number }>(
    `select (select count(*) from platform.idempotency where scope like 'create-order:%' and status = 201)::int as keyed,
            (select count(*) from orders.orders)::int as orders,
            (select count(distinct response->>'id') from platform.idempotency where scope like 'create-order:%' and status = 201)::int as distinct_ids`,
  );
  // One order per key, one key per order: a retried or replayed create never made a second order.
  expect(keys!.distinct_ids, 'orders per Idempotency-Key').toBe(keys!.keyed);
  expect(keys!.orders, 'orders in Postgres vs keyed creates').toBe(keys!.keyed);
  const unknownOrders = flow.unknown['create-order'] ?? 0;
  expect(keys!.orders - accepted.length, 'orders created without a 201 reaching the driver').toBeLessThanOrEqual(unknownOrders);
  checked['orders = keyed creates (no duplicate)'] = keys!.orders;

  // 2. Stock: counters equal the sum of movements; nothing negative; reserved = what standing orders hold;
  //    shipped = what fulfilled orders held; receipts = what the driver was told.
  const stock = await q<{ sku: string; on_hand: number; reserved: number; m_on_hand: number; m_reserved: number; received: number }>(
    `select l.sku, l.on_hand, l.reserved,
            coalesce(sum(m.on_hand_delta), 0)::bigint as m_on_hand, coalesce(sum(m.reserved_delta), 0)::bigint as m_reserved,
            coalesce(sum(m.on_hand_delta) filter (where m.kind = 'receipt' and m.purchase_order_id is null), 0)::bigint as received
     from inventory.stock_levels l left join inventory.stock_movements m using (sku) group by l.sku, l.on_hand, l.reserved`,
  );
  for (const s of stock) {
    expect({ sku: s.sku, onHand: s.on_hand, reserved: s.reserved }).toEqual({ sku: s.sku, onHand: s.m_on_hand, reserved: s.m_reserved });
    expect(s.reserved).toBeGreaterThanOrEqual(0);
    expect(s.on_hand).toBeGreaterThanOrEqual(s.reserved);
  }
  checked['skus: on hand and reserved = sum of movements, 0 <= reserved <= on hand'] = stock.length;
  const held = await q<{ sku: string; reserved: number; shipped: number; m_shipped: number }>(
    `with lines as (
       select l.sku, l.quantity, o.status from orders.orders o join orders.order_lines l on l.order_id = o.id)
     select s.sku,
            coalesce((select sum(quantity) from lines where lines.sku = s.sku and status in ('reserved', 'invoiced', 'partially_paid', 'paid')), 0)::bigint as reserved,
            coalesce((select sum(quantity) from lines where lines.sku = s.sku and status = 'fulfilled'), 0)::bigint as shipped,
            coalesce((select -sum(on_hand_delta) from inventory.stock_movements m where m.sku = s.sku and kind = 'shipment'), 0)::bigint as m_shipped
     from inventory.stock_levels s`,
  );
  const level = new Map(stock.map((s) => [s.sku, s]));
  for (const h of held) {
    expect({ sku: h.sku, reserved: level.get(h.sku)!.reserved, shipped: h.m_shipped }).toEqual({ sku: h.sku, reserved: h.reserved, shipped: h.shipped });
  }
  checked['skus: reserved = units of standing orders, shipped = units of fulfilled orders'] = held.length;
  const unknownReceipts = flow.unknown['receive-stock'] ?? 0;
  for (const [sku, units] of flow.receipts) {
    const seeded = 1000; // the seed's receipt per sku
    const got = level.get(sku)!.received - seeded;
    if (unknownReceipts === 0) expect(got, `units received of ${sku}`).toBe(units);
    else expect(got, `units received of ${sku}`).toBeGreaterThanOrEqual(units);
  }
  checked['skus: receipts = accepted receive-stock calls'] = flow.receipts.size;

  // 2b. Stock at cost and buying (issue 20): value = movements, ledger 1300 = stock value, purchase order
  //     lines and statuses agree with their receipts, each receipt booked once (tests/faults/stock-invariants.ts).
  const atCost = await checkStockAtCost(q);
  expect(atCost.violations, 'stock at cost and purchase orders').toEqual({});
  Object.assign(checked, atCost.checked);
  await checkPurchases(q, flow, checked);

  // 3. Invoices: exactly one for every order that reached reserved; none for a rejected one; a cancelled
  //    invoiced order's invoice is credited by exactly one credit note.
  const orders = await q<{
    id: string;
    status: string;
    invoices: number;
    invoice_status: string | null;
    credit_notes: number;
    amount_paid: number;
    inv_paid: number | null;
    invoice_id: string | null;
    inv_id: string | null;
  }>(
    `select o.id, o.status, o.amount_paid, o.invoice_id, count(distinct i.id)::int as invoices, max(i.status) as invoice_status, max(i.id) as inv_id,
            max(i.amount_paid) as inv_paid, count(c.id)::int as credit_notes
     from orders.orders o left join billing.invoices i on i.order_id = o.id left join billing.credit_notes c on c.invoice_id = i.id
     group by o.id`,
  );
  const byStatus: Record<string, number> = {};
  for (const o of orders) {
    byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
    const what = `order ${o.id} (${o.status})`;
    if (['reserved', 'invoiced', 'partially_paid', 'paid', 'fulfilled'].includes(o.status)) {
      expect(o.invoices, `${what}: invoices`).toBe(1);
      expect(o.invoice_id, `${what}: invoiceId`).toBe(o.inv_id);
      expect(o.amount_paid, `${what}: amountPaid = invoice's`).toBe(o.inv_paid);
      expect(o.status, `${what}: still reserved after settling`).not.toBe('reserved');
    }
    if (o.status === 'rejected') expect(o.invoices, `${what}: invoices`).toBe(0);
    if (o.status === 'cancelled' && o.invoices === 1) {
      expect(o.invoice_status, `${what}: invoice status`).toBe('credited');
      expect(o.credit_notes, `${what}: credit notes`).toBe(1);
    }
    if (o.status === 'paid') expect(o.invoice_status).toBe('paid');
    if (o.status === 'partially_paid') expect(o.invoice_status).toBe('partially_paid');
  }
  checked['orders: invoice count, invoice id, amount paid and status agree'] = orders.length;

  // 4. Payments: each accepted one exists once with its amount; invoices' paid = sum of their payments;
  //    one payment per key.
  const paymentIds = [...flow.payments.keys()];
  const pays = await q<{ id: string; amount: number; invoice_id: string }>('select id, amount, invoice_id from billing.payments where id = any($1)', [
    paymentIds,
  ]);
  expect(pays.length, 'accepted payments found').toBe(paymentIds.length);
  for (const p of pays) expect({ id: p.id, amount: p.amount, invoiceId: p.invoice_id }).toEqual({ id: p.id, ...flow.payments.get(p.id)! });
  checked['accepted payments exist once, with their amount'] = paymentIds.length;
  const [pk] = await q<{ keyed: number; payments: number }>(
    `select (select count(*) from platform.idempotency where scope like 'record-payment:%' and status = 201)::int as keyed, (select count(*) from billing.payments)::int as payments`,
  );
  expect(pk!.payments, 'payments vs keyed payments').toBe(pk!.keyed);
  const paid = await q<{ id: string; amount_paid: number; sum: number; total: number; credited: number }>(
    `select i.id, i.amount_paid, i.total, i.credited, coalesce(sum(p.amount), 0)::bigint as sum
     from billing.invoices i left join billing.payments p on p.invoice_id = i.id group by i.id`,
  );
  for (const i of paid) {
    expect(i.amount_paid, `invoice ${i.id}: paid = sum of payments`).toBe(i.sum);
    expect(i.amount_paid).toBeLessThanOrEqual(i.total);
  }
  checked['invoices: amount paid = sum of payments <= total'] = paid.length;

  // 5. Gapless numbers per series and year.
  for (const [series, table] of [
    ['INV', 'billing.invoices'],
    ['CN', 'billing.credit_notes'],
    ['REM', 'billing.reminders'],
  ] as const) {
    const nums = await q<{ year: string; n: number }>(
      `select split_part(number, '-', 2) as year, split_part(number, '-', 3)::int as n from ${table} order by 1, 2`,
    );
    const years = new Map<string, number[]>();
    for (const r of nums) years.set(r.year, [...(years.get(r.year) ?? []), r.n]);
    for (const [year, ns] of years) expect(ns, `${series}-${year} numbers`).toEqual(Array.from({ length: ns.length }, (_, i) => i + 1));
    checked[`${series} numbers gapless`] = nums.length;
  }

  // 5b. Reminders once per level: each invoice's levels are 1..k, each once, each with one reminder_issued.
  const reminded = await q<{ invoice_id: string; levels: number[]; events: number }>(
    `select r.invoice_id, array_agg(r.level order by r.level) as levels,
            (select count(*) from platform.outbox o where o.payload->>'type' = 'reminder_issued' and o.payload->'data'->>'invoiceId' = r.invoice_id)::int as events
     from billing.reminders r group by r.invoice_id`,
  );
  for (const r of reminded) {
    expect(r.levels, `invoice ${r.invoice_id}: reminder levels`).toEqual(r.levels.map((_, i) => i + 1));
    expect(r.events, `invoice ${r.invoice_id}: reminder_issued events`).toBe(r.levels.length);
  }
  // Every reminder a run answered as issued exists (a run killed part-way and retried may have issued more than it answered).
  expect(
    reminded.reduce((n, r) => n + r.levels.length, 0),
    'reminders in Postgres',
  ).toBeGreaterThanOrEqual(flow.reminders);
  checked['reminders once per level'] = reminded.length;

  // 6. Ledger: every posting balances, and so does the whole.
  const postings = await q<{ posting_id: string; debit: number; credit: number }>(
    'select posting_id, sum(debit)::bigint as debit, sum(credit)::bigint as credit from billing.ledger_entries group by posting_id',
  );
  for (const p of postings) expect(p.debit, `posting ${p.posting_id}`).toBe(p.credit);
  checked['ledger postings balanced'] = postings.length;

  // 6b. Returns, credit notes, refunds: returned <= shipped per line (only fulfilled orders take returns),
  //     restocked units came back as return movements; credited <= invoiced, = the sum of its notes, a
  //     return credited at most once; refunded = the sum of refunds, never more than paid beyond what is
  //     still invoiced; every accepted return, note and refund exists with what was answered; each
  //     invoice's receivable in the ledger = its balance.
  const returned = await q<{ order_id: string; line_no: number; quantity: number; returned: number; sum: number; status: string }>(
    `select l.order_id, l.line_no, l.quantity, l.returned, o.status, coalesce((select sum(r.quantity) from orders.return_lines r where r.order_id = l.order_id and r.line_no = l.line_no), 0)::int as sum
     from orders.order_lines l join orders.orders o on o.id = l.order_id where l.returned > 0 or exists (select 1 from orders.return_lines r where r.order_id = l.order_id)`,
  );
  for (const l of returned) {
    expect(l.returned, `order ${l.order_id} line ${l.line_no}: returned = its return lines`).toBe(l.sum);
    expect(l.returned, `order ${l.order_id} line ${l.line_no}: returned <= shipped`).toBeLessThanOrEqual(l.quantity);
    expect(l.status, `order ${l.order_id}: returns only after fulfilment`).toBe('fulfilled');
  }
  checked['order lines returned <= shipped'] = returned.length;
  const restocked = await q<{ sku: string; lines: number; moved: number }>(
    `select s.sku, coalesce((select sum(r.quantity) from orders.return_lines r join orders.order_lines l using (order_id, line_no) where l.sku = s.sku and r.disposition = 'restock'), 0)::int as lines,
            coalesce((select sum(on_hand_delta) from inventory.stock_movements m where m.sku = s.sku and m.kind = 'return'), 0)::int as moved
     from inventory.stock_levels s`,
  );
  for (const r of restocked) expect(r.moved, `${r.sku}: restocked units = return movements`).toBe(r.lines);
  checked['skus: return movements = restocked return lines'] = restocked.length;
  const returnIds = [...flow.returns.keys()];
  const gotReturns = await q<{ id: string }>('select id from orders.returns where id = any($1)', [returnIds]);
  expect(gotReturns.length, 'accepted returns found').toBe(returnIds.length);
  const credits = await q<{
    id: string;
    total: number;
    credited: number;
    notes: number;
    amount_paid: number;
    refunded: number;
    refunds: number;
    balance: number;
    receivable: number;
  }>(
    `select i.id, i.total, i.credited, i.amount_paid, i.refunded, v.balance,
            coalesce((select sum(amount) from billing.credit_notes n where n.invoice_id = i.id), 0)::bigint as notes,
            coalesce((select sum(amount) from billing.refunds r where r.invoice_id = i.id), 0)::bigint as refunds,
            coalesce((select sum(debit - credit) from billing.ledger_entries e where e.invoice_id = i.id and e.account = $1), 0)::bigint as receivable
     from billing.invoices i join billing.invoice_view v using (id)`,
    [chart.receivable.code],
  );
  for (const i of credits) {
    expect(i.credited, `invoice ${i.id}: credited = its notes`).toBe(i.notes);
    expect(i.credited, `invoice ${i.id}: credited <= invoiced`).toBeLessThanOrEqual(i.total);
    expect(i.refunded, `invoice ${i.id}: refunded = its refunds`).toBe(i.refunds);
    if (i.refunded > 0) expect(i.balance, `invoice ${i.id}: refunds only what was owed back`).toBeLessThanOrEqual(0);
    expect(i.receivable, `invoice ${i.id}: receivable = balance`).toBe(i.balance);
  }
  checked['invoices: credited = notes <= invoiced, refunded = refunds <= owed, receivable = balance'] = credits.length;
  const [once] = await q<{ notes: number; returns: number }>(
    'select count(*)::int as notes, count(distinct return_id)::int as returns from billing.credit_notes where return_id is not null',
  );
  expect(once!.notes, 'credit notes per return').toBe(once!.returns);
  const noteIds = [...flow.creditNotes.keys()];
  const notes = await q<{ id: string; amount: number; return_id: string }>('select id, amount, return_id from billing.credit_notes where id = any($1)', [
    noteIds,
  ]);
  expect(notes.map((n) => [n.id, n.return_id, n.amount]).sort(), 'accepted credit notes').toEqual(
    noteIds.map((id) => [id, flow.creditNotes.get(id)!.returnId, flow.creditNotes.get(id)!.total]).sort(),
  );
  const refundIds = [...flow.refunds.keys()];
  const refunds = await q<{ id: string; amount: number }>('select id, amount from billing.refunds where id = any($1)', [refundIds]);
  expect(refunds.map((r) => [r.id, r.amount]).sort(), 'accepted refunds').toEqual(refundIds.map((id) => [id, flow.refunds.get(id)!.amount]).sort());
  checked['accepted returns, credit notes, refunds exist'] = returnIds.length + noteIds.length + refundIds.length;
  const [whole] = await q<{ debit: string; credit: string }>(
    'select coalesce(sum(debit), 0)::text as debit, coalesce(sum(credit), 0)::text as credit from billing.ledger_entries',
  );
  expect(whole!.debit, 'the whole ledger balances').toBe(whole!.credit);

  // 7. Every outbox row published, and the stream holds at least one message per row.
  const [ob] = await q<{ rows: number; unpublished: number }>(
    'select count(*)::int as rows, count(*) filter (where published_at is null)::int as unpublished from platform.outbox',
  );
  expect(ob!.unpublished, 'unpublished outbox rows').toBe(0);
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(box.stream);
  expect(info.state.messages, 'stream messages vs outbox rows').toBeGreaterThanOrEqual(ob!.rows);
  checked['outbox rows published'] = ob!.rows;
  checked['stream messages'] = info.state.messages;

  // 8. Dead letters: none, or each one explained by a reason and an effect that was applied anyway.
  const dlq = await jsm.streams.info(`${box.stream}_DLQ`);
  const unexplained: string[] = [];
  for (let seq = dlq.state.first_seq; seq <= dlq.state.last_seq && dlq.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(`${box.stream}_DLQ`, { seq }).catch(() => undefined);
    if (!m) continue;
    const fn = m.header.get('Erpbi-Function');
    const reason = m.header.get('Erpbi-Reason');
    const event = m.json<{ id: string }>();
    const applied =
      fn === 'project-to-olap' ? 0 : (await q('select 1 from platform.processed_events where consumer = $1 and event_id = $2', [fn, event.id])).length;
    if (!reason || applied === 0) unexplained.push(`${m.subject} -> ${fn}: ${reason}`);
  }
  expect(unexplained, 'dead letters without an applied effect').toEqual([]);
  checked['dead letters'] = dlq.state.messages;

  for (const [status, n] of Object.entries(byStatus)) checked[`orders now ${status}`] = n;
  return checked;
}
