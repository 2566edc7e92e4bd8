import type { Pool } from '../db/pool.js';
import type { TaxedLine } from '../domain/invoice.js';
import { notesFor } from '../domain/vat-category.js';
import { filters, isoUtc, keysetPage } from './paging.js';
import { addSearch } from './search.js';

const columns = `id, number, order_id as "orderId", customer_id as "customerId", customer_name as "customerName", issue_date as "issueDate",
  due_date as "dueDate", currency, subtotal, tax, total, amount_paid as "amountPaid", credited, balance, status, overdue,
  reminder_level as "reminderLevel", ${isoUtc('created_at')} as "createdAt"`;

// Overdue: past its due date (UTC day) with money still owed on an invoice that is still payable.
const overdue = `(i.due_date < (now() at time zone 'UTC')::date and i.balance > 0 and i.status in ('open', 'partially_paid'))`;
const withCustomer = `(select i.*, c.name as customer_name, c.email as customer_email, ${overdue} as overdue,
  (select max(r.level) from billing.reminders r where r.invoice_id = i.id) as reminder_level from billing.invoice_view i
  left join orders.customer_directory c on c.id = i.customer_id) i`;

// As issued (the jsonb the invoice keeps: lines, buyer, seller), then its payments oldest first, its credit notes,
// refunds, the order's returns (each with the credit note that credits it, null until credited: the invoice page
// offers to credit those), and the e-mails of it and its credit notes (shared/billing/deliveries.ts) oldest first, its reminders by level; reminderLevel: the highest reminder level
// issued (shared/billing/reminders.ts), null for none.
// Invoices from before the buyer was frozen: the directory's name and e-mail; before the seller was: null (their
// documents print the configured company profile).
const details = `lines,
  jsonb_build_object('id', customer_id) || coalesce(buyer, jsonb_build_object('name', customer_name, 'email', customer_email)) as buyer, seller,
  (select coalesce(json_agg(json_build_object('id', p.id, 'amount', p.amount, 'method', p.method, 'reference', p.reference,
          'receivedAt', ${isoUtc('p.received_at')}) order by p.received_at, p.id), '[]')
     from billing.payment_view p where p.invoice_id = i.id) as payments,
  (select coalesce(json_agg(json_build_object('id', n.id, 'number', n.number, 'amount', n.amount, 'reason', n.reason,
          'issuedAt', ${isoUtc('n.issued_at')}, 'subtotal', n.subtotal, 'tax', n.tax, 'returnId', n.return_id, 'lines', n.lines) order by n.issued_at, n.id), '[]')
     from billing.credit_note_view n where n.invoice_id = i.id) as "creditNotes",
  refunded, greatest(-balance, 0) as "refundDue",
  (select coalesce(json_agg(json_build_object('id', r.id, 'creditNoteId', r.credit_note_id, 'amount', r.amount, 'method', r.method,
          'reference', r.reference, 'refundedAt', ${isoUtc('r.refunded_at')}) order by r.refunded_at, r.id), '[]')
     from billing.refund_view r where r.invoice_id = i.id) as refunds,
  (select coalesce(json_agg(json_build_object('id', t.id, 'returnedAt', ${isoUtc('t.returned_at')}, 'lines', t.lines,
          'creditNoteId', (select n.id from billing.credit_note_view n where n.return_id = t.id)) order by t.returned_at, t.id), '[]')
     from orders.return_view t where t.order_id = i.order_id) as returns,
  (select coalesce(json_agg(json_build_object('id', d.id, 'kind', d.kind, 'documentId', d.document_id, 'number', d.document_number,
          'recipient', d.recipient, 'trigger', d.trigger, 'status', d.status, 'attempts', d.attempts, 'serverAnswer', d.server_answer,
          'messageId', d.message_id, 'requestedBy', d.requested_by, 'requestedAt', ${isoUtc('d.requested_at')},
          'lastAttemptAt', ${isoUtc('d.last_attempt_at')}, 'sentAt', ${isoUtc('d.sent_at')}) order by d.requested_at, d.id), '[]')
     from billing.document_deliveries d where d.invoice_id = i.id) as deliveries,
  (select coalesce(json_agg(json_build_object('id', r.id, 'number', r.number, 'level', r.level, 'issueDate', to_char(r.issue_date, 'YYYY-MM-DD'),
          'daysPastDue', r.days_past_due, 'balance', r.balance, 'fee', r.fee) order by r.level), '[]')
     from billing.reminders r where r.invoice_id = i.id) as reminders`;

interface InvoiceItem {
  id: string;
  createdAt: string;
}

export interface InvoiceListQuery {
  orderId?: string | undefined;
  status?: string | undefined;
  customerId?: string | undefined;
  overdue?: boolean | undefined;
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** One invoice as issued, with the legal notes its lines require (reverse charge, export). */
export async function getInvoice(db: Pool, id: string) {
  const { rows } = await db.query<InvoiceItem & { lines: TaxedLine[] }>(`select ${columns}, ${details} from ${withCustomer} where id = $1`, [id]);
  return rows[0] && { ...rows[0], notes: notesFor(rows[0].lines) };
}

export async function listInvoices(db: Pool, q: InvoiceListQuery) {
  const f = filters();
  f.add((p) => `order_id = ${p}`, q.orderId);
  f.add((p) => `status = ${p}`, q.status);
  f.add((p) => `customer_id = ${p}`, q.customerId);
  f.add((p) => `overdue = ${p}`, q.overdue);
  addSearch(f, q.q, 'number', 'customer_name');
  return keysetPage<InvoiceItem>(db, { view: withCustomer, columns }, f, q);
}
