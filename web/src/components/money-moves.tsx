import { useState } from 'preact/hooks';
import { Field, FormError, valueOf, type Form } from '../form.js';
import { Money, TableWrap, When } from '../ui.js';

// Money moved against an invoice, in (payments) or out (refunds): one form and one table for both.

export const methods = [
  ['bank_transfer', 'Bank transfer'],
  ['card', 'Card'],
  ['cash', 'Cash'],
  ['cheque', 'Cheque'],
  ['other', 'Other'],
] as const;
export const methodText = (m: string) => methods.find(([v]) => v === m)?.[1] ?? m;

/** What the person typed: the amount in currency units, as text, for the caller to parse. */
export interface MoneyEntry {
  amount: string;
  method: string;
  reference: string;
}

/**
 * Money moved against an invoice, in or out (a payment, a refund): amount, method, reference. The caller
 * owns the form's submission (its schema, route and answer); this is the one place the fields live.
 */
export function MoneyForm(props: {
  form: Form;
  name: string;
  submitText: string;
  amount: string;
  amountHint: string;
  onSave: (entry: MoneyEntry) => void;
  onCancel: () => void;
}) {
  const { form } = props;
  const [f, setF] = useState<MoneyEntry>({ amount: props.amount, method: 'bank_transfer', reference: '' });
  const set = (k: keyof MoneyEntry) => (e: Event) => setF({ ...f, [k]: valueOf(e) });
  const save = (e: Event) => {
    e.preventDefault();
    props.onSave(f);
  };
  return (
    <form class="card form" onSubmit={save} noValidate aria-label={props.name}>
      <FormError form={form} />
      <div class="row">
        <Field label="Amount" error={form.error('amount')} hint={props.amountHint}>
          {(p) => <input {...p} value={f.amount} onInput={set('amount')} inputMode="decimal" required autoFocus autoComplete="off" />}
        </Field>
        <Field label="Method" error={form.error('method')}>
          {(p) => (
            <select {...p} value={f.method} onChange={set('method')}>
              {methods.map(([v, text]) => (
                <option key={v} value={v}>
                  {text}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Reference" error={form.error('reference')} hint="optional, e.g. the bank's reference">
          {(p) => <input {...p} value={f.reference} onInput={set('reference')} maxLength={200} autoComplete="off" />}
        </Field>
      </div>
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onCancel}>
          Close
        </button>
        <button type="submit" disabled={form.busy}>
          {props.submitText}
        </button>
      </div>
    </form>
  );
}

/** One movement as the table shows it: when, how, the reference, how much. */
export interface MoneyMove {
  id: string;
  at: string;
  method: string;
  reference: string | null;
  amount: number;
}

/** The payments or the refunds of an invoice, oldest first. */
export function MoneyMovesTable({ label, moves, currency }: { label: string; moves: MoneyMove[]; currency: string }) {
  return (
    <TableWrap label={label}>
      <table>
        <caption class="sr-only">{label}, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Method</th>
            <th scope="col">Reference</th>
            <th scope="col" class="num">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {moves.map((m) => (
            <tr key={m.id}>
              <td>
                <When at={m.at} />
              </td>
              <td>{methodText(m.method)}</td>
              <td>{m.reference ?? <span class="muted">–</span>}</td>
              <td class="num">
                <Money minor={m.amount} currency={currency} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
