import { useState } from 'preact/hooks';
import { body as receiveBody } from '../../../../functions/receive-stock/schema.js';
import { parseWholeNumber } from '../../../../shared/domain/money.js';
import { run } from '../../api.js';
import { Field, FormError, useForm, valueOf } from '../../form.js';
import { ProductSelect } from '../../components/product-select.js';
import { useAllProducts } from '../../hooks/products.js';

export interface Received {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
}

/** Goods in: which product, how many, and a note (a delivery number) kept on the movement. */
export function ReceiveForm({ sku, onDone, onCancel }: { sku?: string | undefined; onDone: (r: Received) => void; onCancel: () => void }) {
  const form = useForm();
  const products = useAllProducts();
  const [f, setF] = useState({ sku: sku ?? '', quantity: '', note: '' });
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: valueOf(e) });
  const save = (e: Event) => {
    e.preventDefault();
    const quantity = parseWholeNumber(f.quantity);
    void form.submit({
      schema: receiveBody,
      value: { sku: f.sku, quantity, note: f.note.trim() || undefined },
      fieldErrors: {
        ...(f.sku ? {} : { sku: 'choose a product' }),
        ...(quantity === undefined ? { quantity: 'a whole number of units such as 10' } : {}),
      },
      send: (b, key) => run<Received>('receive-stock', b, key),
      done: onDone,
    });
  };
  return (
    <form class="card form" onSubmit={save} noValidate aria-label="Receive stock">
      <FormError form={form} />
      <div class="row">
        <ProductSelect form={form} products={products.data} preset={sku} value={f.sku} onChange={set('sku')} />
        <Field label="Quantity" error={form.error('quantity')}>
          {(p) => <input {...p} value={f.quantity} onInput={set('quantity')} inputMode="numeric" class="short" required autoComplete="off" />}
        </Field>
        <Field label="Note" error={form.error('note')} hint="optional, e.g. a delivery number">
          {(p) => <input {...p} value={f.note} onInput={set('note')} maxLength={500} autoComplete="off" />}
        </Field>
      </div>
      <div class="actions">
        <button type="button" class="secondary" onClick={onCancel}>
          Close
        </button>
        <button type="submit" disabled={form.busy}>
          Receive
        </button>
      </div>
    </form>
  );
}
