import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../errors.js';
import { creditLines, type CreditNoteAmounts, type CreditedLine, type InvoicedLine } from '../domain/credit-note.js';
import { applyCredit, creditNoteSeries, type InvoiceStatus } from '../domain/invoice.js';
import { creditNotePosting, postingRef } from '../domain/ledger.js';
import type { Tx } from '../db/pool.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { nextNumber } from './numbering.js';
import { post } from './ledger.js';

export interface LockedInvoice {
  id: string;
  number: string;
  order_id: string;
  customer_id: string;
  currency: string;
  subtotal: number;
  tax: number;
  total: number;
  amount_paid: number;
  credited: number;
  refunded: number;
  status: InvoiceStatus;
  lines: InvoicedLine[];
}

const invoiceColumns = 'id, number, order_id, customer_id, currency, subtotal, tax, total, amount_paid, credited, refunded, status, lines';

/** The invoice row locked for a change of its amounts: credit notes, refunds and payments of one invoice run one at a time. */
export async function lockInvoice(tx: Tx, where: 'id' | 'order_id', value: string): Promise<LockedInvoice | undefined> {
  const { rows } = await tx.query<LockedInvoice>(`select ${invoiceColumns} from billing.invoices where ${where} = $1 for update`, [value]);
  return rows[0];
}

/**
 * Writes a credit note of `note` on the locked invoice: numbered in the CN series in this transaction,
 * the invoice's credited amount and status moved, the posting reversing revenue, tax and receivable for
 * exactly the note's amounts, and credit_note_issued. The invoice's check (credited <= total) backs the rule.
 */
export async function writeCreditNote(uow: UnitOfWork, invoice: LockedInvoice, note: CreditNoteAmounts, extra: { reason: string; returnId: string | null }) {
  const outcome = applyCredit(
    { total: invoice.total, amountPaid: invoice.amount_paid, credited: invoice.credited, refunded: invoice.refunded, status: invoice.status },
    note.total,
  );
  if (!outcome.ok) throw new AppError(outcome.code, outcome.message, { creditable: outcome.creditable });
  const id = uuidv7();
  const number = await nextNumber(uow.tx, creditNoteSeries, uow.now.getUTCFullYear());
  await uow.tx.query(
    `insert into billing.credit_notes (id, number, invoice_id, amount, reason, issued_at, return_id, subtotal, tax, lines)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [id, number, invoice.id, note.total, extra.reason, uow.now, extra.returnId, note.subtotal, note.tax, JSON.stringify(note.lines)],
  );
  await uow.tx.query('update billing.invoices set credited = $2, status = $3, updated_at = now() where id = $1', [
    invoice.id,
    outcome.credited,
    outcome.status,
  ]);
  await post(uow.tx, postingRef.creditNote(id, invoice.id), invoice.currency, creditNotePosting(note.subtotal, note.tax), uow.now);
  uow.emit('credit_note_issued', {
    creditNoteId: id,
    number,
    invoiceId: invoice.id,
    invoiceNumber: invoice.number,
    orderId: invoice.order_id,
    customerId: invoice.customer_id,
    currency: invoice.currency,
    amount: note.total,
    amountPaid: invoice.amount_paid,
    refundDue: outcome.refundDue,
    credited: outcome.credited,
    returnId: extra.returnId,
    invoiceStatus: outcome.status,
  });
  return {
    id,
    number,
    invoiceId: invoice.id,
    subtotal: note.subtotal,
    tax: note.tax,
    total: note.total,
    lines: note.lines,
    invoiceStatus: outcome.status,
    balance: outcome.balance,
    refundDue: outcome.refundDue,
  };
}

/** Quantity credited so far per invoice line (by line number), over the invoice's credit notes. */
async function creditedQuantities(tx: Tx, invoiceId: string): Promise<Map<number, number>> {
  const { rows } = await tx.query<{ lines: CreditedLine[] }>('select lines from billing.credit_notes where invoice_id = $1', [invoiceId]);
  const done = new Map<number, number>();
  for (const l of rows.flatMap((r) => r.lines)) {
    // Full notes issued before migration 013 kept the invoice's lines without numbers: their position is the number.
    if (typeof l.lineNo === 'number') done.set(l.lineNo, (done.get(l.lineNo) ?? 0) + l.quantity);
  }
  return done;
}

interface ReturnRow {
  id: string;
  order_id: string;
  lines: { lineNo: number; quantity: number }[];
}

/**
 * POST /function/record-payment/credit-note: the accountant credits exactly what a return brought back,
 * at the invoice's prices and tax rates (shared/domain/credit-note.ts). The return is read through
 * orders' published view; a return is credited once (credit_notes.return_id is unique).
 */
export async function creditReturn(uow: UnitOfWork, input: { returnId: string; reason?: string | undefined }) {
  const { rows } = await uow.tx.query<ReturnRow>('select id, order_id, lines from orders.return_view where id = $1', [input.returnId]);
  const ret = rows[0];
  if (!ret) throw new AppError('not_found', `no return ${input.returnId}`, { path: 'returnId' });
  const invoice = await lockInvoice(uow.tx, 'order_id', ret.order_id);
  if (!invoice) throw new AppError('return_not_invoiced', `the order ${ret.order_id} of this return has no invoice`, { path: 'returnId' });
  const credited = await uow.tx.query<{ id: string; number: string }>('select id, number from billing.credit_notes where return_id = $1', [ret.id]);
  if (credited.rowCount) {
    throw new AppError('return_already_credited', `the return is credited by ${credited.rows[0]!.number}`, {
      creditNoteId: credited.rows[0]!.id,
      path: 'returnId',
    });
  }
  const plan = creditLines(invoice.lines, await creditedQuantities(uow.tx, invoice.id), ret.lines);
  if (!plan.ok) throw new AppError(plan.code, plan.message, { lineNo: plan.lineNo, path: 'returnId' });
  return writeCreditNote(uow, invoice, plan.note, { reason: input.reason ?? 'goods returned', returnId: ret.id });
}

/** The whole invoice as a credit note's lines (a cancelled order's full credit). */
export function fullCredit(invoice: LockedInvoice): CreditNoteAmounts {
  const lines = invoice.lines.map((l, i) => ({ ...l, lineNo: i + 1 }));
  return { lines, subtotal: invoice.subtotal, tax: invoice.tax, total: invoice.total };
}
