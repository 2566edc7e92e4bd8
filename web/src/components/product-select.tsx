import { Field, type Form } from '../form.js';
import type { Product } from '../types.js';

/**
 * The Product select of the stock forms (receive, adjust): the catalogue as "sku — name", and a preset
 * sku stays choosable even before the catalogue has loaded. `products` is undefined while loading.
 */
export function ProductSelect({
  form,
  products,
  preset,
  value,
  onChange,
}: {
  form: Form;
  products: Product[] | undefined;
  preset: string | undefined;
  value: string;
  onChange: (e: Event) => void;
}) {
  const items = products ?? [];
  return (
    <Field label="Product" error={form.error('sku')}>
      {(p) => (
        <select {...p} value={value} onChange={onChange} required autoFocus>
          <option value="">{products ? 'Choose a product' : 'Loading products…'}</option>
          {preset && !items.some((i) => i.sku === preset) ? <option value={preset}>{preset}</option> : null}
          {items.map((i) => (
            <option key={i.sku} value={i.sku}>
              {i.sku} — {i.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
