import { useState } from 'preact/hooks';
import { amountText, formatMoney, parseAmount } from '../../../shared/domain/money.js';
import { body as paymentBody } from '../../../functions/record-payment/schema.js';
import { ApiError, run } from '../api.js';
import { Field, FormError, useForm, valueOf } from '../form.js';
import type { InvoiceDetail } from '../types.js';

export interface PaymentAnswer {
  paymentId: string;
  invoiceStatus: string;
  balance: number;
}

export const methods = [
  ['bank_transfer', 'Bank transfer'],
  ['card', 'Card'],
  ['cash', 'Cash'],
  ['cheque', 'Cheque'],
  ['other', 'Other'],
] as const;
export const methodText = (m: string) => methods.find(([v]) => v === m)?.[1] ?? m;

/** The server words an overpayment in minor units; the person typed currency units. */
function inCurrency(err: unknown, currency: string): unknown {
  const balance = err instanceof ApiError && err.code === 'overpayment' ? (err.details as { balance?: unknown } | undefined)?.balance : undefined;
  if (typeof balance !== 'number' || !(err instanceof ApiError)) return err;
  return new ApiError(err.status, err.code, `more than the balance of ${formatMoney(balance, currency)}`, err.details);
}

/** Money in against an invoice; starts at the whole balance, the most common case. */
export function PaymentForm({ invoice, onDone, onCancel }: { invoice: InvoiceDetail; onDone: (a: PaymentAnswer) => void; onCancel: () => void }) {
  const form = useForm();
  const [f, setF] = useState({ amount: amountText(invoice.balance, invoice.currency), method: 'bank_transfer', reference: '' });
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: valueOf(e) });
  const save = (e: Event) => {
    e.preventDefault();
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
    <form class="card form" onSubmit={save} noValidate aria-label="Record payment">
      <FormError form={form} />
      <div class="row">
        <Field label="Amount" error={form.error('amount')} hint={`${invoice.currency}; the balance is ${amountText(invoice.balance, invoice.currency)}`}>
          {(p) => <input {...p} value={f.amount} onInput={set('amount')} inputMode="decimal" required autoFocus autoComplete="off" />}
        </Field>
        <Field label="Method" error={form.error('method')}>
          {(p) => (
            <select {...p} value={f.method} onChange={set('method')}>
              {methods.map(([v, text]) => (
                <option key={v} value={v}>{text}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Reference" error={form.error('reference')} hint="optional, e.g. the bank's reference">
          {(p) => <input {...p} value={f.reference} onInput={set('reference')} maxLength={200} autoComplete="off" />}
        </Field>
      </div>
      <div class="actions">
        <button type="button" class="secondary" onClick={onCancel}>Close</button>
        <button type="submit" disabled={form.busy}>Save payment</button>
      </div>
    </form>
  );
}
