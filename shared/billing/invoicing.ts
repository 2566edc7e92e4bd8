import { v7 as uuidv7 } from 'uuid';
import type { Event } from '../events/envelope.js';
import { invoiceDates, invoiceSeries } from '../domain/invoice.js';
import { invoicePosting, postingRef } from '../domain/ledger.js';
import { fullCredit, lockInvoice, writeCreditNote } from './credit-notes.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { nextNumber } from './numbering.js';
import { post } from './ledger.js';
import { storedCompanyProfile } from '../orders/company-profile.js';
import { lockOrderForMove, orderInvoiced } from '../orders/status-sync.js';

/** stock_reserved: issue the order's invoice, numbered in this transaction, and move the order to invoiced in it. */
export async function invoiceOrder(uow: UnitOfWork, event: Event<'stock_reserved'>) {
  const order = event.data;
  await uow.tx.query('select pg_advisory_xact_lock(hashtext($1))', [order.orderId]);
  const seen = await uow.tx.query(`select 1 from billing.invoices where order_id = $1 union all select 1 from billing.cancelled_orders where order_id = $1`, [
    order.orderId,
  ]);
  if (seen.rowCount) return; // invoiced already, or cancelled before its reservation reached us
  // The order row before the number counter and the ledger (shared/orders/status-sync.ts): the rows every
  // invoice shares are taken last, so they are held for as short a time as can be.
  const row = await lockOrderForMove(uow.tx, order.orderId);
  const { issueDate, dueDate, year } = invoiceDates(uow.now, order.paymentTermsDays);
  const id = uuidv7();
  const number = await nextNumber(uow.tx, invoiceSeries, year);
  // Both parties as issued, kept with the invoice for its documents (migrations 007 and 010): a later
  // edit of the customer or the company profile changes nothing issued. No stored profile: no seller
  // snapshot, and the documents take the configured one (shared/documents/company.ts).
  const { rows: customer } = await uow.tx.query<{ email: string | null; address: unknown; vat_id: string | null }>(
    'select email, address, vat_id from orders.customer_directory where id = $1',
    [order.customerId],
  );
  const buyer = { name: order.customerName, email: customer[0]?.email ?? null, address: customer[0]?.address ?? null, vatId: customer[0]?.vat_id ?? null };
  const seller = (await storedCompanyProfile(uow.tx))?.profile ?? null;
  await uow.tx.query(
    `insert into billing.invoices (id, number, order_id, customer_id, issue_date, due_date, currency, subtotal, tax, total, status, lines, buyer, seller, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12, $13, $14, $14)`,
    [
      id,
      number,
      order.orderId,
      order.customerId,
      issueDate,
      dueDate,
      order.currency,
      order.subtotal,
      order.tax,
      order.total,
      JSON.stringify(order.lines),
      JSON.stringify(buyer),
      seller && JSON.stringify(seller),
      uow.now,
    ],
  );
  await post(uow.tx, postingRef.invoice(id), order.currency, invoicePosting(order.subtotal, order.tax), uow.now);
  const created = uow.emit('invoice_created', {
    invoiceId: id,
    number,
    orderId: order.orderId,
    customerId: order.customerId,
    customerName: order.customerName,
    issueDate,
    dueDate,
    currency: order.currency,
    subtotal: order.subtotal,
    tax: order.tax,
    total: order.total,
    lines: order.lines,
  });
  await orderInvoiced(uow, row, created, id);
}

/** order_cancelled: an issued invoice gets a full credit note; otherwise remember the cancel. */
export async function creditCancelledOrder(uow: UnitOfWork, event: Event<'order_cancelled'>) {
  const { orderId } = event.data;
  await uow.tx.query('select pg_advisory_xact_lock(hashtext($1))', [orderId]);
  const invoice = await lockInvoice(uow.tx, 'order_id', orderId);
  if (!invoice) {
    await uow.tx.query('insert into billing.cancelled_orders (order_id) values ($1) on conflict do nothing', [orderId]);
    return;
  }
  if (invoice.status === 'credited') return;
  // What the customer paid before the cancel is then owed back to them (refundDue), paid back by a refund.
  await writeCreditNote(uow, invoice, fullCredit(invoice), { reason: 'order cancelled', returnId: null });
}
