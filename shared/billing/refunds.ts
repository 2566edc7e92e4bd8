import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../errors.js';
import { applyRefund } from '../domain/invoice.js';
import { postingRef, refundPosting } from '../domain/ledger.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { lockInvoice } from './credit-notes.js';
import { post } from './ledger.js';

export interface RefundInput {
  creditNoteId: string;
  amount: number;
  method: string;
  reference?: string | undefined;
}

/**
 * POST /function/record-payment/refund: money owed back on an invoice (paid beyond what is still
 * invoiced after its credit notes) paid back, recorded against one of its credit notes. The invoice row
 * is locked as for a payment, so concurrent refunds cannot pay back more than is owed; its check
 * (migration 013) holds it in Postgres too.
 */
export async function recordRefund(uow: UnitOfWork, input: RefundInput) {
  const { rows } = await uow.tx.query<{ invoice_id: string }>('select invoice_id from billing.credit_notes where id = $1', [input.creditNoteId]);
  if (!rows[0]) throw new AppError('not_found', `no credit note ${input.creditNoteId}`, { path: 'creditNoteId' });
  const invoice = (await lockInvoice(uow.tx, 'id', rows[0].invoice_id))!;
  const outcome = applyRefund(
    { total: invoice.total, amountPaid: invoice.amount_paid, credited: invoice.credited, refunded: invoice.refunded, status: invoice.status },
    input.amount,
  );
  if (!outcome.ok) throw new AppError(outcome.code, outcome.message, { refundDue: outcome.refundDue, path: 'amount' });

  const id = uuidv7();
  await uow.tx.query(
    'insert into billing.refunds (id, invoice_id, credit_note_id, amount, method, reference, refunded_at) values ($1, $2, $3, $4, $5, $6, $7)',
    [id, invoice.id, input.creditNoteId, input.amount, input.method, input.reference ?? null, uow.now],
  );
  await uow.tx.query('update billing.invoices set refunded = $2, updated_at = now() where id = $1', [invoice.id, outcome.refunded]);
  await post(uow.tx, postingRef.refund(id, invoice.id), invoice.currency, refundPosting(input.amount), uow.now);
  uow.emit('refund_recorded', {
    refundId: id,
    creditNoteId: input.creditNoteId,
    invoiceId: invoice.id,
    orderId: invoice.order_id,
    customerId: invoice.customer_id,
    currency: invoice.currency,
    amount: input.amount,
    method: input.method,
    refunded: outcome.refunded,
    refundDue: outcome.refundDue,
    refundedAt: uow.now.toISOString(),
  });
  return { id, invoiceId: invoice.id, refunded: outcome.refunded, refundDue: outcome.refundDue };
}
