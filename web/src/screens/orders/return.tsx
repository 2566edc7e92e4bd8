import { useState } from 'preact/hooks';
import { returnBody } from '../../../../functions/fulfil-order/schema.js';
import { mayRun } from '../../../../shared/auth/permissions.js';
import { run } from '../../api.js';
import { Field, FormError, useForm, valueOf } from '../../form.js';
import type { OrderDetail as Order } from '../../types.js';

/** What of each line (by lineNo, 1-based) is still returnable: shipped less what earlier returns took back. */
export function returnable(order: Order): number[] {
  const back = new Map<number, number>();
  for (const l of (order.returns ?? []).flatMap((r) => r.lines)) back.set(l.lineNo, (back.get(l.lineNo) ?? 0) + l.quantity);
  return order.lines.map((l, i) => l.quantity - (back.get(i + 1) ?? 0));
}

/** A fulfilled order's goods coming back: per line a quantity (0 leaves it out) and restock or scrap, one reason. */
export function ReturnGoods({ order, roles, done }: { order: Order; roles: string[]; done: (message: string) => void }) {
  const [open, setOpen] = useState(false);
  const left = returnable(order);
  if (order.status !== 'fulfilled' || !mayRun(roles, 'fulfil-order/return') || left.every((n) => n <= 0)) return null;
  return (
    <>
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Return goods
      </button>
      {open ? <ReturnForm order={order} left={left} onClose={() => setOpen(false)} onDone={(m) => (setOpen(false), done(m))} /> : null}
    </>
  );
}

function ReturnForm({ order, left, onClose, onDone }: { order: Order; left: number[]; onClose: () => void; onDone: (message: string) => void }) {
  const form = useForm();
  const [quantities, setQuantities] = useState(order.lines.map(() => ''));
  const [dispositions, setDispositions] = useState(order.lines.map(() => 'restock'));
  const [reason, setReason] = useState('');
  const save = (e: Event) => {
    e.preventDefault();
    const lines = order.lines
      .map((_, i) => ({ lineNo: i + 1, quantity: Number(quantities[i] || 0), reason: reason.trim(), disposition: dispositions[i] }))
      .filter((l) => l.quantity !== 0);
    void form.submit({
      schema: returnBody,
      value: { orderId: order.id, lines },
      fieldErrors: lines.length === 0 ? { lines: 'enter a quantity on at least one line' } : {},
      send: (b, key) => run<{ id: string }>('fulfil-order/return', b, key),
      done: () => onDone(`Return saved: ${lines.reduce((n, l) => n + l.quantity, 0)} units back.`),
    });
  };
  const set = <T,>(list: T[], i: number, v: T) => list.map((x, j) => (j === i ? v : x));
  return (
    <form class="card form" onSubmit={save} noValidate aria-label="Return goods">
      <FormError form={form} />
      {form.error('lines') ? (
        <p class="error" role="alert">
          {form.error('lines')}
        </p>
      ) : null}
      {order.lines.map((l, i) => (
        <div class="row" key={l.sku}>
          <Field label="Return quantity" hint={`${l.name} (${l.sku}): up to ${left[i]}`} error={form.error(`lines.${i}.quantity`)}>
            {(p) => (
              <input
                {...p}
                type="number"
                min={0}
                max={left[i]}
                inputMode="numeric"
                value={quantities[i]}
                disabled={left[i]! <= 0}
                onInput={(e) => setQuantities(set(quantities, i, valueOf(e)))}
              />
            )}
          </Field>
          <Field label="Disposition" hint={l.name}>
            {(p) => (
              <select {...p} value={dispositions[i]} onChange={(e) => setDispositions(set(dispositions, i, valueOf(e)))}>
                <option value="restock">Restock</option>
                <option value="scrap">Scrap</option>
              </select>
            )}
          </Field>
        </div>
      ))}
      <Field label="Reason" error={form.error('lines.0.reason')}>
        {(p) => <input {...p} value={reason} onInput={(e) => setReason(valueOf(e))} maxLength={200} required autoComplete="off" />}
      </Field>
      <div class="actions">
        <button type="button" class="secondary" onClick={onClose}>
          Close
        </button>
        <button type="submit" disabled={form.busy}>
          Save return
        </button>
      </div>
    </form>
  );
}
