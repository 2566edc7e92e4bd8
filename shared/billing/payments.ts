import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../errors.js';
import { applyPayment, type InvoiceStatus } from '../domain/invoice.js';
import { paymentPosting, postingRef } from '../domain/ledger.js';
import { lockOrderForMove, orderPaid } from '../orders/status-sync.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { post } from './ledger.js';

export interface PaymentInput {
  invoiceId: string;
  amount: number;
  method: string;
  reference?: string | undefined;
}

export async function recordPayment(uow: UnitOfWork, input: PaymentInput) {
  const { rows } = await uow.tx.query<{
    id: string;
    order_id: string;
    customer_id: string;
    currency: string;
    total: number;
    amount_paid: number;
    credited: number;
    status: InvoiceStatus;
  }>('select id, order_id, customer_id, currency, total, amount_paid, credited, status from billing.invoices where id = $1 for update', [input.invoiceId]);
  const invoice = rows[0];
  if (!invoice) throw new AppError('not_found', `no invoice ${input.invoiceId}`);
  const outcome = applyPayment({ total: invoice.total, amountPaid: invoice.amount_paid, credited: invoice.credited, status: invoice.status }, input.amount);
  if (!outcome.ok) throw new AppError(outcome.code, outcome.message, { balance: outcome.balance, path: 'amount' });
  // The invoice row, then the order's (shared/orders/status-sync.ts), then the ledger.
  const order = await lockOrderForMove(uow.tx, invoice.order_id);

  const paymentId = uuidv7();
  await uow.tx.query('insert into billing.payments (id, invoice_id, amount, method, reference, received_at) values ($1, $2, $3, $4, $5, $6)', [
    paymentId,
    invoice.id,
    input.amount,
    input.method,
    input.reference ?? null,
    uow.now,
  ]);
  await uow.tx.query('update billing.invoices set amount_paid = $2, status = $3, updated_at = now() where id = $1', [
    invoice.id,
    outcome.amountPaid,
    outcome.status,
  ]);
  await post(uow.tx, postingRef.payment(paymentId, invoice.id), invoice.currency, paymentPosting(input.amount), uow.now);
  const common = { invoiceId: invoice.id, orderId: invoice.order_id, customerId: invoice.customer_id, currency: invoice.currency };
  const received = uow.emit('payment_received', {
    ...common,
    paymentId,
    amount: input.amount,
    method: input.method,
    amountPaid: outcome.amountPaid,
    balance: outcome.balance,
    invoiceStatus: outcome.status,
    receivedAt: uow.now.toISOString(),
  });
  if (outcome.status === 'paid') {
    uow.emit('invoice_paid', { ...common, total: invoice.total, paidAt: uow.now.toISOString() });
  }
  await orderPaid(uow, order, received, { invoiceId: invoice.id, amountPaid: outcome.amountPaid, invoiceStatus: outcome.status });
  return { paymentId, invoiceStatus: outcome.status, balance: outcome.balance };
}
