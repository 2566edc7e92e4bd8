import { useState } from 'preact/hooks';
import { adjustmentReasons } from '../../../../shared/domain/stock-movements.js';
import { parseAmount } from '../../../../shared/domain/money.js';
import { run } from '../../api.js';
import { Field, FormError, useForm, valueOf } from '../../form.js';
import { adjustmentBody } from '../../../../functions/receive-stock/schema.js';
import { ProductSelect } from '../../components/product-select.js';
import { useAllProducts } from '../../hooks/products.js';

// Correcting on-hand by hand: a signed quantity and why (a count, damage, theft, a wrong entry). It is
// booked at cost (a loss at the average cost, a find at the cost given or the average); the server
// never lets on-hand fall below what open orders hold (below_reserved).

export interface Adjusted {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  value: number;
  averageCost: number | null;
  currency: string;
  quantityDelta: number;
  valueDelta: number;
  movementId: string | number;
}

const reasonText: Record<(typeof adjustmentReasons)[number], string> = { count: 'count', damage: 'damage', theft: 'theft', correction: 'correction' };

/** A signed whole number as people type it: "-3", "−3" (a real minus), "+5", "5". */
export function parseSigned(text: string): number | undefined {
  const t = text.trim().replace(/^−/, '-');
  if (!/^[+-]?\d{1,7}$/.test(t)) return undefined;
  return Number(t);
}

export function AdjustForm({ sku, onDone, onCancel }: { sku?: string | undefined; onDone: (a: Adjusted) => void; onCancel: () => void }) {
  const form = useForm();
  const products = useAllProducts();
  const [f, setF] = useState({ sku: sku ?? '', quantity: '', reason: '', unitCost: '', note: '' });
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: valueOf(e) });
  const items = products.data ?? [];
  const product = items.find((p) => p.sku === f.sku);
  const quantity = parseSigned(f.quantity);
  // A cost is asked for goods added only; taken away, they leave at the average cost.
  const costAsked = quantity === undefined || quantity > 0;
  const costGiven = costAsked && f.unitCost.trim() !== '';
  const save = (e: Event) => {
    e.preventDefault();
    const unitCost = costGiven && product ? parseAmount(f.unitCost, product.currency) : undefined;
    void form.submit({
      schema: adjustmentBody,
      value: { sku: f.sku, quantity, reason: f.reason || undefined, unitCost, note: f.note.trim() || undefined },
      fieldErrors: {
        ...(f.sku ? {} : { sku: 'choose a product' }),
        ...(quantity === undefined ? { quantity: 'a whole number of units: -3 takes away, 5 adds' } : {}),
        ...(f.reason ? {} : { reason: 'choose a reason' }),
        ...(costGiven && product && unitCost === undefined ? { unitCost: 'an amount such as 4.20' } : {}),
      },
      send: (b, key) => run<Adjusted>('receive-stock/adjustment', b, key),
      done: onDone,
    });
  };
  return (
    <form class="card form" onSubmit={save} noValidate aria-label="Adjust stock">
      <FormError form={form} />
      <div class="row">
        <ProductSelect form={form} products={products.data} preset={sku} value={f.sku} onChange={set('sku')} />
        <Field label="Quantity" error={form.error('quantity')} hint="signed: -3 takes three away, 5 adds five">
          {(p) => <input {...p} value={f.quantity} onInput={set('quantity')} inputMode="text" class="short" required autoComplete="off" />}
        </Field>
        <Field label="Reason" error={form.error('reason')}>
          {(p) => (
            <select {...p} value={f.reason} onChange={set('reason')} required>
              <option value="">Choose a reason</option>
              {adjustmentReasons.map((r) => (
                <option key={r} value={r}>
                  {reasonText[r]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {costAsked ? (
          <Field
            label="Unit cost"
            error={form.error('unitCost')}
            hint={`optional, for goods added${product ? `, ${product.currency}` : ''}; else the average cost`}
          >
            {(p) => <input {...p} value={f.unitCost} onInput={set('unitCost')} inputMode="decimal" class="short" autoComplete="off" />}
          </Field>
        ) : null}
        <Field label="Note" error={form.error('note')} hint="optional">
          {(p) => <input {...p} value={f.note} onInput={set('note')} maxLength={500} autoComplete="off" />}
        </Field>
      </div>
      <div class="actions">
        <button type="button" class="secondary" onClick={onCancel}>
          Close
        </button>
        <button type="submit" disabled={form.busy}>
          Save adjustment
        </button>
      </div>
    </form>
  );
}
