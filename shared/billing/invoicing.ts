import { v7 as uuidv7 } from 'uuid';
import type { Event } from '../events/envelope.js';
import { creditNoteSeries, invoiceDates, invoiceSeries } from '../domain/invoice.js';
import { creditNotePosting, invoicePosting } from '../domain/ledger.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { nextNumber } from './numbering.js';
import { post } from './ledger.js';
import { storedCompanyProfile } from './company-profile.js';

/** stock_reserved: issue the order's invoice, numbered in this transaction. */
export async function invoiceOrder(uow: UnitOfWork, event: Event<'stock_reserved'>) {
  const order = event.data;
  await uow.tx.query('select pg_advisory_xact_lock(hashtext($1))', [order.orderId]);
  const seen = await uow.tx.query(
    `select 1 from billing.invoices where order_id = $1 union all select 1 from billing.cancelled_orders where order_id = $1`,
    [order.orderId],
  );
  if (seen.rowCount) return; // invoiced already, or cancelled before its reservation reached us
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
    [id, number, order.orderId, order.customerId, issueDate, dueDate, order.currency, order.subtotal, order.tax, order.total, JSON.stringify(order.lines), JSON.stringify(buyer), seller && JSON.stringify(seller), uow.now],
  );
  await post(uow.tx, `invoice:${id}`, order.currency, invoicePosting(order.subtotal, order.tax), uow.now);
  uow.emit('invoice_created', {
    invoiceId: id, number, orderId: order.orderId, customerId: order.customerId, customerName: order.customerName,
    issueDate, dueDate, currency: order.currency, subtotal: order.subtotal, tax: order.tax, total: order.total, lines: order.lines,
  });
}

/** order_cancelled: an issued invoice gets a full credit note; otherwise remember the cancel. */
export async function creditCancelledOrder(uow: UnitOfWork, event: Event<'order_cancelled'>) {
  const { orderId } = event.data;
  await uow.tx.query('select pg_advisory_xact_lock(hashtext($1))', [orderId]);
  const { rows } = await uow.tx.query<{ id: string; number: string; customer_id: string; currency: string; subtotal: number; tax: number; total: number; amount_paid: number; status: string }>(
    'select id, number, customer_id, currency, subtotal, tax, total, amount_paid, status from billing.invoices where order_id = $1 for update',
    [orderId],
  );
  const invoice = rows[0];
  if (!invoice) {
    await uow.tx.query('insert into billing.cancelled_orders (order_id) values ($1) on conflict do nothing', [orderId]);
    return;
  }
  if (invoice.status === 'credited') return;
  const id = uuidv7();
  const number = await nextNumber(uow.tx, creditNoteSeries, uow.now.getUTCFullYear());
  await uow.tx.query('insert into billing.credit_notes (id, number, invoice_id, amount, reason, issued_at) values ($1, $2, $3, $4, $5, $6)', [
    id, number, invoice.id, invoice.total, 'order cancelled', uow.now,
  ]);
  await uow.tx.query(`update billing.invoices set credited = total, status = 'credited', updated_at = now() where id = $1`, [invoice.id]);
  await post(uow.tx, `credit-note:${id}`, invoice.currency, creditNotePosting(invoice.subtotal, invoice.tax), uow.now);
  uow.emit('credit_note_issued', {
    creditNoteId: id, number, invoiceId: invoice.id, invoiceNumber: invoice.number, orderId, customerId: invoice.customer_id,
    currency: invoice.currency, amount: invoice.total, amountPaid: invoice.amount_paid,
    // What the customer paid before the cancel is now owed back to them (refunds are a manual step).
    refundDue: invoice.amount_paid,
  });
}
