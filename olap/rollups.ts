import type { DuckDBConnection } from '@duckdb/node-api';
import { unbookedStatuses } from '../shared/domain/order-lifecycle.js';
import { batchRows, type Batch } from './schema.js';
import type { Row } from './tables/declare.js';
import { invoices, orderLines, orders } from './tables/facts.js';
import { ordersHourly, productSales, receivables } from './tables/rollups.js';
import { TableRows } from './tables/rows.js';
import { BatchWriter } from './tables/write.js';

// Writes a batch's fact rows and keeps the rollups (olap/tables/rollups.ts) equal to the facts: the
// upserts of orders, invoices and order lines return the rows they changed, each with what it was
// before (its `was` columns), so what a row counted for and counts for now are known without reading
// the big tables again. Only an order that moves in or out of booked (cancelled, rejected) needs its
// stored lines read, and an order line written without its order in the batch its order's state.

type Returned = Record<string, unknown>;
type Text = string | null;
const unbooked = new Set<string>(unbookedStatuses);
const hourOf = (iso: string) => `${iso.slice(0, 13)}:00:00.000Z`;
/** The currency an order's lines count in for top products, or null while they do not count. */
const bookedIn = (status: unknown, currency: unknown): Text =>
  typeof currency === 'string' && typeof status === 'string' && !unbooked.has(status) ? currency : null;
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** Rows of values bound as $1..$n, for an `in (...)` over a few keys. */
const placeholders = (n: number) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');

class RollupDeltas {
  readonly hourly = new TableRows(ordersHourly);
  readonly products = new TableRows(productSales);
  readonly receivables = new TableRows(receivables);
  /** Per order in the batch: the currency its lines counted in before and now (null: not counted). */
  private readonly booked = new Map<string, { before: Text; now: Text }>();

  private hour(createdAt: unknown, currency: unknown, status: unknown, statusRank: unknown, total: unknown, sign: 1 | -1): void {
    if (typeof createdAt !== 'string' || typeof currency !== 'string' || typeof status !== 'string') return;
    const row: Row<typeof ordersHourly> = { hour: hourOf(createdAt), currency, status, statusRank: num(statusRank), orders: sign, total: sign * num(total) };
    this.hourly.put(row);
  }

  /** The orders upsert's rows: each leaves its old hour group and joins its new one. */
  orders(rows: Returned[]): void {
    for (const r of rows) {
      this.hour(r.wasCreatedAt, r.wasCurrency, r.wasStatus, r.wasStatusRank, r.wasTotal, -1);
      this.hour(r.createdAt, r.currency, r.status, r.statusRank, r.total, 1);
      this.booked.set(String(r.orderId), { before: bookedIn(r.wasStatus, r.wasCurrency), now: bookedIn(r.status, r.currency) });
    }
  }

  private receivable(currency: unknown, issueDate: unknown, dueDate: unknown, total: unknown, paid: unknown, credited: unknown, sign: 1 | -1): void {
    if (typeof currency !== 'string' || typeof issueDate !== 'string' || typeof dueDate !== 'string' || total === null || total === undefined) return;
    const balance = num(total) - num(paid) - num(credited);
    if (balance > 0) this.receivables.put({ currency, issueDate, dueDate, invoices: sign, balance: sign * balance });
  }

  /** The invoices upsert's rows: the open balance each counted for before, and counts for now. */
  invoices(rows: Returned[]): void {
    for (const r of rows) {
      this.receivable(r.wasCurrency, r.wasIssueDate, r.wasDueDate, r.wasTotal, r.wasAmountPaid, r.wasCredited, -1);
      this.receivable(r.currency, r.issueDate, r.dueDate, r.total, r.amountPaid, r.credited, 1);
    }
  }

  private line(l: Returned, currency: Text, sign: 1 | -1): void {
    if (currency === null) return;
    this.products.put({ sku: String(l.sku), currency, name: String(l.name), lines: sign, quantity: sign * num(l.quantity), revenue: sign * num(l.net) });
  }

  /** After orders and lines are written: the lines inserted (the upsert's rows) and those of orders that moved in or out of booked. */
  async lines(conn: DuckDBConnection, inserted: Returned[]): Promise<void> {
    const moved = [...this.booked].filter(([, b]) => b.before !== b.now).map(([id]) => id);
    const unknown = [...new Set(inserted.map((l) => String(l.orderId)).filter((id) => !this.booked.has(id)))];
    if (unknown.length > 0) {
      const sql = `select order_id as "orderId", status, currency from orders where order_id in (${placeholders(unknown.length)})`;
      for (const o of (await conn.runAndReadAll(sql, unknown)).getRowObjectsJS()) {
        const now = bookedIn(o.status, o.currency);
        this.booked.set(String(o.orderId), { before: now, now });
      }
    }
    const movedSet = new Set(moved);
    for (const l of inserted) if (!movedSet.has(String(l.orderId))) this.line(l, this.booked.get(String(l.orderId))?.now ?? null, 1);
    if (moved.length === 0) return;
    const fresh = new Set(inserted.map((l) => `${String(l.orderId)}\u0000${num(l.lineNo)}`));
    const sql = `select order_id as "orderId", line_no as "lineNo", sku, name, quantity, net from ${orderLines.name} where order_id in (${placeholders(moved.length)})`;
    for (const l of (await conn.runAndReadAll(sql, moved)).getRowObjectsJS()) {
      const b = this.booked.get(String(l.orderId))!;
      if (!fresh.has(`${String(l.orderId)}\u0000${num(l.lineNo)}`)) this.line(l, b.before, -1);
      this.line(l, b.now, 1);
    }
  }

  /** Adds the deltas into the rollups and drops the groups left empty. */
  async write(writer: BatchWriter): Promise<void> {
    const measures: [TableRows<unknown>, string[], string][] = [
      [this.hourly as TableRows<unknown>, ['orders', 'total'], 'orders'],
      [this.products as TableRows<unknown>, ['lines', 'quantity', 'revenue'], 'lines'],
      [this.receivables as TableRows<unknown>, ['invoices', 'balance'], 'invoices'],
    ];
    for (const [rows, fields, count] of measures) {
      // A row that left a group and came back to it in the same batch adds nothing.
      for (const [key, row] of rows) if (fields.every((f) => (row as Record<string, number>)[f] === 0)) rows.delete(key);
      if (rows.size === 0) continue;
      // Only a group something left can fall to nothing.
      const shrank = [...rows.values()].some((row) => (row as Record<string, number>)[count]! < 0);
      await writer.write(rows);
      if (shrank) writer.then(`delete from ${rows.table.name} where ${count} = 0`);
    }
  }
}

/**
 * Writes every fact table's rows of the batch and moves the rollups with them; what nothing reads back
 * (the other tables, the rollups, the stages' emptying) is left in `writer` for its flush.
 */
export async function writeBatch(conn: DuckDBConnection, writer: BatchWriter, batch: Batch): Promise<void> {
  const deltas = new RollupDeltas();
  let inserted: Returned[] = [];
  for (const rows of batchRows(batch)) {
    if (rows.table === (orders as unknown)) deltas.orders(await writer.write(rows, true));
    else if (rows.table === (invoices as unknown)) deltas.invoices(await writer.write(rows, true));
    else if (rows.table === (orderLines as unknown)) inserted = await writer.write(rows, true);
    else await writer.write(rows);
  }
  await deltas.lines(conn, inserted);
  await deltas.write(writer);
}
