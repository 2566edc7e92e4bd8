import { amountText, formatMoney, parseAmount } from '../../../../shared/domain/money.js';
import { body as paymentBody } from '../../../../functions/record-payment/schema.js';
import { ApiError, run } from '../../api.js';
import { useForm } from '../../form.js';
import type { InvoiceDetail } from '../../types.js';
import { MoneyForm, type MoneyEntry } from '../../components/money-moves.js';

export interface PaymentAnswer {
  paymentId: string;
  invoiceStatus: string;
  balance: number;
}

/** The server words an overpayment in minor units; the person typed currency units. */
function inCurrency(err: unknown, currency: string): unknown {
  const balance = err instanceof ApiError && err.code === 'overpayment' ? (err.details as { balance?: unknown } | undefined)?.balance : undefined;
  if (typeof balance !== 'number' || !(err instanceof ApiError)) return err;
  return new ApiError(err.status, err.code, `more than the balance of ${formatMoney(balance, currency)}`, err.details);
}

/** Money in against an invoice; starts at the whole balance, the most common case. */
export function PaymentForm({ invoice, onDone, onCancel }: { invoice: InvoiceDetail; onDone: (a: PaymentAnswer) => void; onCancel: () => void }) {
  const form = useForm();
  const save = (f: MoneyEntry) => {
    const amount = parseAmount(f.amount, invoice.currency);
    void form.submit({
      schema: paymentBody,
      value: { invoiceId: invoice.id, amount, method: f.method, reference: f.reference.trim() || undefined },
      fieldErrors: amount === undefined ? { amount: `an amount in ${invoice.currency} such as ${amountText(invoice.balance, invoice.currency)}` } : {},
      send: (b, key) => run<PaymentAnswer>('record-payment', b, key).catch((err) => Promise.reject(inCurrency(err, invoice.currency))),
      done: onDone,
    });
  };
  return (
    <MoneyForm
      form={form}
      name="Record payment"
      submitText="Save payment"
      amount={amountText(invoice.balance, invoice.currency)}
      amountHint={`${invoice.currency}; the balance is ${amountText(invoice.balance, invoice.currency)}`}
      onSave={save}
      onCancel={onCancel}
    />
  );
}
