import { useEffect, useState } from 'preact/hooks';
import { Field, valueOf } from '../form.js';
import { replaceQuery } from '../router.js';
import { statusText } from '../ui.js';

// The filters of a list screen (orders, purchase orders): applied ones live in the address, the form
// holds what is being typed until Filter puts it there.

export function useQueryFilters<N extends string>(query: URLSearchParams, names: readonly N[]) {
  const applied = Object.fromEntries(names.map((n) => [n, query.get(n) ?? ''])) as Record<N, string>;
  /** Changes when the applied filters do: what a list's load depends on. */
  const key = JSON.stringify(applied);
  const [f, setF] = useState(applied);
  // The address is the truth: a nav click or Back replaces the filters shown.
  useEffect(() => setF(applied), [key]);
  return {
    applied,
    key,
    f,
    set: (k: N) => (e: Event) => setF({ ...f, [k]: valueOf(e) }),
    filtered: names.some((n) => applied[n] !== ''),
    apply: (e: Event) => (e.preventDefault(), replaceQuery(f)),
  };
}

/** The Status select of a list's filters: all statuses, or one of the lifecycle's. */
export function StatusFilter({ statuses, value, onChange }: { statuses: readonly string[]; value: string; onChange: (e: Event) => void }) {
  return (
    <Field label="Status">
      {(p) => (
        <select {...p} value={value} onChange={onChange}>
          <option value="">All statuses</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {statusText(s)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
