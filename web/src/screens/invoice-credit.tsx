import { useState } from 'preact/hooks';
import { amountText, formatMoney, parseAmount } from '../../../shared/domain/money.js';
import { creditNoteBody, refundBody } from '../../../functions/record-payment/schema.js';
import { mayRun } from '../../../shared/auth/permissions.js';
import { run } from '../api.js';
import { Field, FormError, useForm, valueOf } from '../form.js';
import type { InvoiceDetail } from '../types.js';
import { methods } from './invoice-payment.js';

/** Returns of the invoice's order that no credit note credits yet, oldest first. */
const uncredited = (i: InvoiceDetail) => i.returns.filter((r) => r.creditNoteId === null);

/** The accountant credits the oldest uncredited return: exactly its lines, at the invoice's prices. */
export function IssueCreditNote({ invoice, roles, done }: { invoice: InvoiceDetail; roles: string[]; done: (message: string) => void }) {
  const form = useForm();
  const next = uncredited(invoice)[0];
  if (!next || !mayRun(roles, 'record-payment/credit-note')) return null;
  const units = next.lines.reduce((n, l) => n + l.quantity, 0);
  const issue = () =>
    void form.submit({
      schema: creditNoteBody,
      value: { returnId: next.id },
      send: (b, key) => run<{ number: string; total: number }>('record-payment/credit-note', b, key),
      done: (a) => done(`Credit note ${a.number} issued for ${formatMoney(a.total, invoice.currency)}.`),
    });
  return (
    <>
      <button type="button" onClick={issue} disabled={form.busy} title={`Credits the return of ${units} units`}>Issue credit note</button>
      <FormError form={form} />
    </>
  );
}

export const mayRefund = (i: InvoiceDetail, roles: string[]) => i.refundDue > 0 && i.creditNotes.length > 0 && mayRun(roles, 'record-payment/refund');

/** Money owed back paid back, against the invoice's latest credit note; starts at all that is owed. */
export function RefundForm({ invoice, onDone, onCancel }: { invoice: InvoiceDetail; onDone: (message: string) => void; onCancel: () => void }) {
  const form = useForm();
  const note = invoice.creditNotes[invoice.creditNotes.length - 1]!;
  const [f, setF] = useState({ amount: amountText(invoice.refundDue, invoice.currency), method: 'bank_transfer', reference: '' });
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: valueOf(e) });
  const save = (e: Event) => {
    e.preventDefault();
    const amount = parseAmount(f.amount, invoice.currency);
    void form.submit({
      schema: refundBody,
      value: { creditNoteId: note.id, amount, method: f.method, reference: f.reference.trim() || undefined },
      fieldErrors: amount === undefined ? { amount: `an amount in ${invoice.currency} such as ${amountText(invoice.refundDue, invoice.currency)}` } : {},
      send: (b, key) => run<{ refundDue: number }>('record-payment/refund', b, key),
      done: (a) => onDone(`Refund saved; still owed back: ${formatMoney(a.refundDue, invoice.currency)}.`),
    });
  };
  return (
    <form class="card form" onSubmit={save} noValidate aria-label="Record refund">
      <FormError form={form} />
      <div class="row">
        <Field label="Amount" error={form.error('amount')} hint={`${invoice.currency}; owed back ${amountText(invoice.refundDue, invoice.currency)}, against ${note.number}`}>
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
        <button type="submit" disabled={form.busy}>Save refund</button>
      </div>
    </form>
  );
}
