import { useEffect, useState } from 'preact/hooks';
import { read } from '../api.js';
import { Field, valueOf } from '../form.js';
import { useLoad } from '../load.js';
import type { Customer } from '../types.js';

// A select of customers narrowed by a search box: a small business has dozens to thousands of
// customers, a select alone is fine for the first and useless for the second.

/** Typing settles for this long before the list is read again: one read per word, not per key. */
const settle = 250;

export function CustomerPicker(props: { value: string; onChange: (id: string) => void; error?: string | undefined }) {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setQ(text.trim()), settle);
    return () => clearTimeout(t);
  }, [text]);
  const found = useLoad(() => read<{ items: Customer[] }>('customers', { q }), [q], (c) => c.customers.length > 0);
  const list = found.data?.items ?? [];
  // Narrowing the list must not drop the choice already made.
  const [chosen, setChosen] = useState<Customer>();
  // An id from the address that no customer has (yet) stays visible: the server will say so beside the field.
  const picked =
    list.find((c) => c.id === props.value) ??
    (chosen?.id === props.value ? chosen : props.value ? { id: props.value, name: props.value, email: null, paymentTermsDays: 0 } : undefined);
  const options = picked && !list.some((c) => c.id === picked.id) ? [picked, ...list] : list;
  const pick = (id: string) => {
    setChosen(options.find((c) => c.id === id));
    props.onChange(id);
  };

  return (
    <div class="row">
      <Field label="Find customer" hint={found.error ? found.error.message : q ? `${list.length} found` : undefined}>
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
