import { useEffect, useState } from 'preact/hooks';
import { Field, valueOf } from '../form.js';
import type { Customer } from '../types.js';
import { useCustomerMatches, useCustomerNamed } from '../hooks/customers.js';

// A select of customers narrowed by a search box: a small business has dozens to thousands of
// customers, a select alone is fine for the first and useless for the second. The select holds the
// first page of what the search finds (the list is paged), and says when there are more.

/** Typing settles for this long before the list is read again: one read per word, not per key. */
const settle = 250;
/** Options in the select at most: beyond it, typing narrows faster than scrolling. */
const shown = 50;

export function CustomerPicker(props: { value: string; onChange: (id: string) => void; error?: string | undefined }) {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setQ(text.trim()), settle);
    return () => clearTimeout(t);
  }, [text]);
  const found = useCustomerMatches(q, shown);
  const list = found.data?.items ?? [];
  const hint = found.error
    ? found.error.message
    : found.data?.nextCursor
      ? `the first ${list.length} shown: type to narrow`
      : q
        ? `${list.length} found`
        : undefined;
  // Narrowing the list must not drop the choice already made.
  const [chosen, setChosen] = useState<Customer>();
  // An id from the address beyond the first page: its own record names it.
  const preset = useCustomerNamed(props.value, chosen?.id !== props.value);
  // An id from the address that no customer has (yet) stays visible: the server will say so beside the field.
  const picked =
    list.find((c) => c.id === props.value) ??
    (chosen?.id === props.value
      ? chosen
      : preset.data?.id === props.value
        ? preset.data
        : props.value
          ? {
              id: props.value,
              name: props.value,
              email: null,
              paymentTermsDays: 0,
              address: null,
              vatId: null,
              language: null,
              currency: null,
              missingForEInvoice: [],
            }
          : undefined);
  const options = picked && !list.some((c) => c.id === picked.id) ? [picked, ...list] : list;
  const pick = (id: string) => {
    setChosen(options.find((c) => c.id === id));
    props.onChange(id);
  };

  return (
    <div class="row">
      <Field label="Find customer" hint={hint}>
        {(p) => <input {...p} type="search" value={text} onInput={(e) => setText(valueOf(e))} placeholder="Name or id" autoComplete="off" maxLength={100} />}
      </Field>
      <Field label="Customer" error={props.error}>
        {(p) => (
          <select {...p} value={props.value} onChange={(e) => pick(valueOf(e))} required>
            <option value="">{found.loading && !found.data ? 'Loading customers…' : options.length ? 'Choose a customer' : 'No customer found'}</option>
            {options.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
                {c.email ? ` (${c.email})` : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}
