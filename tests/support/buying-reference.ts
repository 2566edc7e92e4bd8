import { creditLines } from '../../shared/domain/credit-note.js';
import { parseEvent, type Event } from '../../shared/events/envelope.js';
import type { EventData } from '../../shared/events/registry.js';
import type { SeqEvent } from '../../olap/fold.js';
import { dayRange, firstMonth } from '../../olap/buying-queries.js';

// The buying and margin figures (olap/buying-queries.ts) computed again from the events themselves, in
// TypeScript, as the docs state them, for the correctness tests: a return's credit uses billing's own
// rule (shared/domain/credit-note.ts), so the SQL's copy of it is checked against the original.

type Parsed = { seq: number; event: Event };
const of = <T extends Event['type']>(events: Parsed[], type: T) =>
  events.filter((e) => e.event.type === type) as { seq: number; event: Extract<Event, { type: T }> }[];
const cmp = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
const byKeys =
  <T>(...keys: ((r: T) => string | null)[]) =>
  (a: T, b: T) =>
    keys.reduce((n, k) => n || cmp(k(a), k(b)), 0);

export function parsedEvents(events: SeqEvent[]): Parsed[] {
  const out: Parsed[] = [];
  for (const { seq, event } of events) {
    if (!event) continue;
    try {
      out.push({ seq, event: parseEvent(event) });
    } catch {
      // not readable: the projector skips it too
    }
  }
  return out;
}

/** The stock table's name of each sku: the latest by stream sequence of product_upserted and stock_changed. */
function skuNames(events: Parsed[]) {
  const names = new Map<string, string>();
  for (const e of events) if (e.event.type === 'product_upserted' || e.event.type === 'stock_changed') names.set(e.event.data.sku, e.event.data.name);
  return names;
}

function supplierNames(events: Parsed[]) {
  const names = new Map<string, string>();
  for (const e of of(events, 'supplier_upserted')) names.set(e.event.data.supplierId, e.event.data.name);
  const fromOrders = new Map<string, string>();
  for (const e of of(events, 'purchase_order_created')) {
    const prev = fromOrders.get(e.event.data.supplierId);
    if (prev === undefined || e.event.data.supplierName > prev) fromOrders.set(e.event.data.supplierId, e.event.data.supplierName);
  }
  return (id: string) => names.get(id) ?? fromOrders.get(id) ?? id;
}

/** Each fact once, however often its event came (a redelivery or republish has a new sequence). */
function unique<T>(items: T[], key: (t: T) => string): T[] {
  return [...new Map(items.map((i) => [key(i), i])).values()];
}

export function grossMarginOf(events: Parsed[], months: number, now: Date) {
  const sums = new Map<string, { month: string; sku: string; currency: string; revenue: number; cogs: number }>();
  const add = (month: string, sku: string, currency: string, revenue: number, cogs: number) => {
    const key = `${month}|${sku}|${currency}`;
    const s = sums.get(key) ?? { month, sku, currency, revenue: 0, cogs: 0 };
    s.revenue += revenue;
    s.cogs += cogs;
    sums.set(key, s);
  };
  const invoices = new Map(unique(of(events, 'invoice_created'), (e) => e.event.data.invoiceId).map((e) => [e.event.data.invoiceId, e.event.data]));
  for (const inv of invoices.values()) for (const l of inv.lines) add(inv.issueDate.slice(0, 7), l.sku, inv.currency, l.net, 0);
  const returns = new Map(unique(of(events, 'goods_returned'), (e) => e.event.data.returnId).map((e) => [e.event.data.returnId, e.event.data]));
  const notes = unique(of(events, 'credit_note_issued'), (e) => e.event.data.creditNoteId).sort(
    (a, b) => cmp(a.event.occurredAt, b.event.occurredAt) || a.seq - b.seq,
  );
  const creditedQty = new Map<string, Map<number, number>>();
  for (const { event } of notes) {
    const inv = invoices.get(event.data.invoiceId);
    if (!inv) continue;
    const month = event.occurredAt.slice(0, 7);
    if (event.data.returnId === null) {
      for (const l of inv.lines) add(month, l.sku, event.data.currency, -l.net, 0);
      continue;
    }
    const ret = returns.get(event.data.returnId);
    if (!ret) continue;
    const already = creditedQty.get(inv.invoiceId) ?? new Map<number, number>();
    const plan = creditLines(inv.lines, already, ret.lines);
    if (!plan.ok) throw new Error(`the events credit more than invoiced: ${plan.message}`);
    for (const l of plan.note.lines) {
      add(month, l.sku, event.data.currency, -l.net, 0);
      already.set(l.lineNo, (already.get(l.lineNo) ?? 0) + l.quantity);
    }
    creditedQty.set(inv.invoiceId, already);
  }
  for (const m of movements(events)) {
    if ((m.reason === 'shipment' || m.reason === 'return') && m.valueDelta !== undefined && m.currency !== undefined)
      add(m.at.slice(0, 7), m.sku, m.currency, 0, -m.valueDelta);
  }
  const names = skuNames(events);
  const from = firstMonth(months, now);
  return [...sums.values()]
    .filter((s) => s.month >= from)
    .sort(
      byKeys(
        (s) => s.month,
        (s) => s.currency,
        (s) => s.sku,
      ),
    )
    .map((s) => ({
      month: s.month,
      sku: s.sku,
      name: names.get(s.sku) ?? s.sku,
      currency: s.currency,
      revenue: s.revenue,
      cogs: s.cogs,
      margin: s.revenue - s.cogs,
      marginPercent: s.revenue !== 0 ? ((s.revenue - s.cogs) * 100) / s.revenue : null,
    }));
}

function movements(events: Parsed[]) {
  return unique(of(events, 'stock_changed'), (e) => `${e.event.data.sku}|${e.event.data.movementId}`).map((e) => ({ ...e.event.data, at: e.event.occurredAt }));
}

export function inventoryValueOf(events: Parsed[], days: number, now: Date) {
  const valued = movements(events).filter((m): m is typeof m & { value: number; currency: string } => m.value !== undefined && m.currency !== undefined);
  const [from, to] = dayRange(days, now);
  const rows: { day: string; currency: string; value: number }[] = [];
  const skus = [...new Set(valued.map((m) => m.sku))];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    const totals = new Map<string, number>();
    for (const sku of skus) {
      const last = valued.filter((m) => m.sku === sku && m.at.slice(0, 10) <= day).sort((a, b) => b.movementId - a.movementId)[0];
      if (last) totals.set(last.currency, (totals.get(last.currency) ?? 0) + last.value);
    }
    for (const [currency, value] of [...totals].sort((a, b) => cmp(a[0], b[0]))) rows.push({ day, currency, value });
  }
  return rows;
}

type ReceiptLine = EventData<'goods_received'>['lines'][number] & { receiptId: string; position: number; data: EventData<'goods_received'> };
function receiptLines(events: Parsed[]): ReceiptLine[] {
  return unique(
    of(events, 'goods_received').flatMap((e) =>
      e.event.data.lines.map((l, n) => ({ ...l, receiptId: e.event.data.receiptId, position: n + 1, data: e.event.data })),
    ),
    (l) => `${l.receiptId}|${l.position}`,
  );
}

export function purchaseSpendOf(events: Parsed[], months: number, now: Date) {
  const name = supplierNames(events);
  const sums = new Map<string, { month: string; supplierId: string | null; currency: string; receipts: Set<string>; quantity: number; value: number }>();
  for (const l of receiptLines(events)) {
    const month = l.data.receivedAt.slice(0, 7);
    const key = `${month}|${l.data.supplierId}|${l.data.currency}`;
    const s = sums.get(key) ?? { month, supplierId: l.data.supplierId, currency: l.data.currency, receipts: new Set(), quantity: 0, value: 0 };
    s.receipts.add(l.receiptId);
    s.quantity += l.quantity;
    s.value += l.value;
    sums.set(key, s);
  }
  const from = firstMonth(months, now);
  return [...sums.values()]
    .filter((s) => s.month >= from)
    .map((s) => ({
      month: s.month,
      supplierId: s.supplierId,
      supplierName: s.supplierId === null ? 'without purchase order' : name(s.supplierId),
      currency: s.currency,
      receipts: s.receipts.size,
      quantity: s.quantity,
      value: s.value,
    }))
    .sort(
      byKeys(
        (s) => s.month,
        (s) => s.currency,
        (s) => s.supplierName,
        (s) => s.supplierId,
      ),
    );
}

export function stockOnOrderOf(events: Parsed[]) {
  const name = supplierNames(events);
  const names = skuNames(events);
  const cancelled = new Set(of(events, 'purchase_order_cancelled').map((e) => e.event.data.purchaseOrderId));
  const received = new Map<string, number>();
  for (const l of receiptLines(events)) {
    if (l.data.purchaseOrderId !== null)
      received.set(`${l.data.purchaseOrderId}|${l.lineNo}`, (received.get(`${l.data.purchaseOrderId}|${l.lineNo}`) ?? 0) + l.quantity);
  }
  const sums = new Map<
    string,
    { sku: string; lineName: string; supplierId: string; currency: string; ordered: number; received: number; onOrder: number; value: number }
  >();
  for (const { event } of unique(of(events, 'purchase_order_created'), (e) => e.event.data.purchaseOrderId)) {
    const po = event.data;
    if (cancelled.has(po.purchaseOrderId)) continue;
    for (const l of po.lines) {
      const got = received.get(`${po.purchaseOrderId}|${l.lineNo}`) ?? 0;
      const open = Math.max(l.quantity - got, 0);
      const key = `${l.sku}|${po.supplierId}|${po.currency}`;
      const s = sums.get(key) ?? {
        sku: l.sku,
        lineName: l.name,
        supplierId: po.supplierId,
        currency: po.currency,
        ordered: 0,
        received: 0,
        onOrder: 0,
        value: 0,
      };
      if (l.name < s.lineName) s.lineName = l.name;
      s.ordered += l.quantity;
      s.received += got;
      s.onOrder += open;
      s.value += open * l.unitCost;
      sums.set(key, s);
    }
  }
  return [...sums.values()]
    .filter((s) => s.onOrder > 0)
    .map(({ lineName, ...s }) => ({
      sku: s.sku,
      name: names.get(s.sku) ?? lineName,
      supplierId: s.supplierId,
      supplierName: name(s.supplierId),
      currency: s.currency,
      ordered: s.ordered,
      received: s.received,
      onOrder: s.onOrder,
      value: s.value,
    }))
    .sort(
      byKeys(
        (s) => s.sku,
        (s) => s.supplierName,
        (s) => s.supplierId,
      ),
    );
}

/** All four, with the parameters the tests ask the projector for. */
export function buyingReference(events: SeqEvent[], now: Date, p: { months: number; days: number }) {
  const parsed = parsedEvents(events);
  return {
    gross_margin: grossMarginOf(parsed, p.months, now),
    inventory_value: inventoryValueOf(parsed, p.days, now),
    purchase_spend: purchaseSpendOf(parsed, p.months, now),
    stock_on_order: stockOnOrderOf(parsed),
  };
}
