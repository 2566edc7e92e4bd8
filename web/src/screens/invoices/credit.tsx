import { amountText, formatMoney, parseAmount } from '../../../../shared/domain/money.js';
import { creditNoteBody, refundBody } from '../../../../functions/record-payment/schema.js';
import { mayRun } from '../../../../shared/auth/permissions.js';
import { run } from '../../api.js';
import { FormError, useForm } from '../../form.js';
import type { InvoiceDetail } from '../../types.js';
import { MoneyForm, type MoneyEntry } from '../../components/money-moves.js';

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
      <button type="button" onClick={issue} disabled={form.busy} title={`Credits the return of ${units} units`}>
        Issue credit note
      </button>
      <FormError form={form} />
    </>
  );
}

export const mayRefund = (i: InvoiceDetail, roles: string[]) => i.refundDue > 0 && i.creditNotes.length > 0 && mayRun(roles, 'record-payment/refund');

/** Money owed back paid back, against the invoice's latest credit note; starts at all that is owed. */
export function RefundForm({ invoice, onDone, onCancel }: { invoice: InvoiceDetail; onDone: (message: string) => void; onCancel: () => void }) {
  const form = useForm();
  const note = invoice.creditNotes[invoice.creditNotes.length - 1]!;
  const save = (f: MoneyEntry) => {
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
    <MoneyForm
      form={form}
      name="Record refund"
      submitText="Save refund"
      amount={amountText(invoice.refundDue, invoice.currency)}
      amountHint={`${invoice.currency}; owed back ${amountText(invoice.refundDue, invoice.currency)}, against ${note.number}`}
      onSave={save}
      onCancel={onCancel}
    />
  );
}
