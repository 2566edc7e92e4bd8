import { useState } from 'preact/hooks';
import { parseWholeNumber } from '../../../../shared/domain/money.js';
import { run } from '../../api.js';
import { Field, FormError, useForm, valueOf } from '../../form.js';
import type { StockLevel } from '../../types.js';
import { TableWrap } from '../../ui.js';
import { countBody } from '../../../../functions/receive-stock/schema.js';

// A stock count: what is on the shelf per product listed. Only the products the person filled in are
// counted (a blank is "not counted", never 0); the server books each difference as one adjustment with
// reason count, at cost.

export interface Counted {
  countId: string;
  lines: { sku: string; counted: number; onHandBefore: number; difference: number; valueDelta: number }[];
}

export function CountForm({ items, onDone, onCancel }: { items: StockLevel[]; onDone: (c: Counted) => void; onCancel: () => void }) {
  const form = useForm();
  const [counted, setCounted] = useState<Record<string, string>>({});
  const [note, setNote] = useState('');
  const [sentSkus, setSentSkus] = useState<string[]>([]);
  const errorOf = (sku: string, i: number) => {
    form.error(`lines.${i}.counted`); // a path a row may answer to when the form is sent
    const at = sentSkus.indexOf(sku);
    return at < 0 ? undefined : form.error(`lines.${at}.counted`);
  };
  const save = (e: Event) => {
    e.preventDefault();
    const filled = items.filter((s) => (counted[s.sku] ?? '').trim() !== '');
    const fieldErrors: Record<string, string> = filled.length ? {} : { '': 'enter the counted quantity of at least one product' };
    filled.forEach((s, i) => {
      if (parseWholeNumber(counted[s.sku]!) === undefined) fieldErrors[`lines.${i}.counted`] = 'a whole number of units, 0 or more';
    });
    setSentSkus(filled.map((s) => s.sku));
    void form.submit({
      schema: countBody,
      value: { lines: filled.map((s) => ({ sku: s.sku, counted: parseWholeNumber(counted[s.sku]!) ?? -1 })), note: note.trim() || undefined },
      fieldErrors,
      send: (b, key) => run<Counted>('receive-stock/count', b, key),
      done: onDone,
    });
  };
  return (
    <form class="card form" onSubmit={save} noValidate aria-label="Count stock">
      <FormError form={form} />
      <p class="hint">Fill in what you counted; products left blank are not counted.</p>
      <TableWrap label="Stock count">
        <table>
          <caption class="sr-only">Stock count: the counted quantity per product</caption>
          <thead>
            <tr>
              <th scope="col">SKU</th>
              <th scope="col">Name</th>
              <th scope="col" class="num">
                On hand
              </th>
              <th scope="col">Counted</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s, i) => (
              <tr key={s.sku}>
                <td id={`count-${s.sku}`}>{s.sku}</td> <td>{s.name}</td> <td class="num">{s.onHand}</td>{' '}
                <td>
                  <Field label="Counted quantity" error={errorOf(s.sku, i)} class="compact">
                    {(p) => (
                      <input
                        {...p}
                        aria-describedby={[p['aria-describedby'], `count-${s.sku}`].filter(Boolean).join(' ')}
                        value={counted[s.sku] ?? ''}
                        onInput={(e) => setCounted({ ...counted, [s.sku]: valueOf(e) })}
                        inputMode="numeric"
                        autoComplete="off"
                        class="short"
                      />
                    )}
                  </Field>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <Field label="Note" error={form.error('note')} hint="optional, e.g. which shelf">
        {(p) => <input {...p} value={note} onInput={(e) => setNote(valueOf(e))} maxLength={500} autoComplete="off" />}
      </Field>
      <div class="actions">
        <button type="button" class="secondary" onClick={onCancel}>
          Close
        </button>
        <button type="submit" disabled={form.busy}>
          Save count
        </button>
      </div>
    </form>
  );
}
