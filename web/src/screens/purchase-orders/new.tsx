import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { amountText, parseAmount, parseWholeNumber } from '../../../../shared/domain/money.js';
import { run } from '../../api.js';
import { Field, FormError, useForm, valueOf } from '../../form.js';
import { href, navigate, seg } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import type { Supplier } from '../../types.js';
import { Header, Money, Show } from '../../ui.js';
import { purchaseOrderBody } from '../../../../functions/receive-stock/schema.js';
import { purchaseOrder } from '../../../../shared/query/answers/purchase-orders.js';
import { usePurchaseOffers, type PurchaseOffer } from '../../hooks/purchase-orders.js';

// A purchase order as a draft: the supplier, then lines of product, quantity and unit cost in the
// supplier's currency. Only products priced in that currency are offered (erpbi keeps no exchange
// rates: stock is valued in the product's currency, so the server refuses any other).

type Offer = PurchaseOffer;

interface Line {
  key: number;
  sku: string;
  quantity: string;
  unitCost: string;
}

export function NewPurchaseOrder({ query }: ScreenProps) {
  const data = usePurchaseOffers();
  return (
    <section>
      <Header title="New purchase order" />
      <Show loaded={data}>
        {({ suppliers, offers }) =>
          suppliers.length === 0 ? (
            <p class="empty">
              There are no suppliers to order from yet. <a href={href('/suppliers')}>Suppliers</a>
            </p>
          ) : (
            <PurchaseOrderForm suppliers={suppliers} offers={offers} supplierId={query.get('supplierId') ?? ''} />
          )
        }
      </Show>
    </section>
  );
}

const emptyLine = (key: number): Line => ({ key, sku: '', quantity: '1', unitCost: '' });

function PurchaseOrderForm({ suppliers, offers, supplierId: preset }: { suppliers: Supplier[]; offers: Offer[]; supplierId: string }) {
  const form = useForm();
  const [supplierId, setSupplierId] = useState(suppliers.some((s) => s.id === preset) ? preset : '');
  const [note, setNote] = useState('');
  const nextKey = useRef(2);
  const [lines, setLines] = useState<Line[]>([emptyLine(1)]);
  const [sent, setSent] = useState<number[]>([]);
  const focusLine = useRef<number | null>(null);
  const root = useRef<HTMLFormElement>(null);
  const supplier = suppliers.find((s) => s.id === supplierId);
  const currency = supplier?.currency;
  // The supplier's own products first: those it is the preferred supplier of.
  const choosable = currency
    ? offers.filter((o) => o.currency === currency).sort((a, b) => Number(b.preferredSupplierId === supplierId) - Number(a.preferredSupplierId === supplierId))
    : [];
  const offer = (sku: string) => offers.find((o) => o.sku === sku);

  useLayoutEffect(() => {
    const k = focusLine.current;
    if (k === null) return;
    focusLine.current = null;
    root.current?.querySelector<HTMLElement>(`select[data-line="${k}"]`)?.focus();
  }, [lines]);

  const update = (key: number, change: Partial<Line>) => setLines(lines.map((l) => (l.key === key ? { ...l, ...change } : l)));
  const choose = (l: Line, sku: string) => {
    const o = offer(sku);
    // A cost typed already stays; otherwise start from what the product has cost us on average.
    const unitCost = l.unitCost || (o?.averageCost != null ? amountText(o.averageCost, o.currency) : '');
    update(l.key, { sku, unitCost });
  };
  const add = () => {
    const key = nextKey.current++;
    focusLine.current = key;
    setLines([...lines, emptyLine(key)]);
  };
  const remove = (i: number) => setLines(lines.filter((_, j) => j !== i));
  const errorOf = (key: number, i: number, field: 'sku' | 'quantity' | 'unitCost') => {
    form.error(`lines.${i}.${field}`);
    const at = sent.indexOf(key);
    return at < 0 ? undefined : form.error(`lines.${at}.${field}`);
  };

  const cost = (l: Line) => (currency ? parseAmount(l.unitCost, currency) : undefined);
  const priced = lines.map((l) => {
    const q = parseWholeNumber(l.quantity);
    const c = cost(l);
    return l.sku && q !== undefined && q > 0 && c !== undefined ? q * c : undefined;
  });
  const total = priced.every((p) => p !== undefined) ? priced.reduce<number>((a, p) => a + p!, 0) : undefined;

  const save = (e: Event) => {
    e.preventDefault();
    const fieldErrors: Record<string, string> = supplierId ? {} : { supplierId: 'choose a supplier' };
    lines.forEach((l, i) => {
      if (!l.sku) fieldErrors[`lines.${i}.sku`] = 'choose a product';
      const q = parseWholeNumber(l.quantity);
      if (q === undefined || q < 1) fieldErrors[`lines.${i}.quantity`] = 'a whole number of units, at least 1';
      if (cost(l) === undefined) fieldErrors[`lines.${i}.unitCost`] = `an amount such as 4.20`;
    });
    setSent(lines.map((l) => l.key));
    void form.submit({
      schema: purchaseOrderBody,
      value: {
        supplierId,
        lines: lines.map((l) => ({ sku: l.sku, quantity: parseWholeNumber(l.quantity) ?? 0, unitCost: cost(l) ?? 0 })),
        note: note.trim() || undefined,
      },
      fieldErrors,
      send: (b, key) => run('receive-stock/purchase-order', b, key, purchaseOrder),
      done: (po) => navigate(`/purchase-orders/${seg(po.id)}`),
    });
  };

  return (
    <form ref={root} class="card form" onSubmit={save} noValidate>
      <FormError form={form} />
      <Field label="Supplier" error={form.error('supplierId')} hint={supplier ? `orders to ${supplier.name} are in ${supplier.currency}` : undefined}>
        {(p) => (
          <select {...p} value={supplierId} onChange={(e) => setSupplierId(valueOf(e))} required>
            <option value="">Choose a supplier</option>
            {suppliers.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.currency})
              </option>
            ))}
          </select>
        )}
      </Field>
      {lines.map((l, i) => (
        <fieldset key={l.key}>
          <legend>Line {i + 1}</legend>
          <div class="row">
            <Field
              label="Product"
              error={errorOf(l.key, i, 'sku')}
              hint={supplier && choosable.length === 0 ? `no product is priced in ${currency}` : undefined}
            >
              {(p) => (
                <select {...p} data-line={l.key} value={l.sku} onChange={(e) => choose(l, valueOf(e))} required disabled={!supplier}>
                  <option value="">{supplier ? 'Choose a product' : 'Choose the supplier first'}</option>
                  {choosable.map((o) => (
                    <option key={o.sku} value={o.sku}>
                      {o.sku} — {o.name}
                      {o.supplierSku && o.preferredSupplierId === supplierId ? ` (${o.supplierSku})` : ''}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Quantity" error={errorOf(l.key, i, 'quantity')}>
              {(p) => (
                <input
                  {...p}
                  value={l.quantity}
                  onInput={(e) => update(l.key, { quantity: valueOf(e) })}
                  inputMode="numeric"
                  autoComplete="off"
                  class="short"
                  required
                />
              )}
            </Field>
            <Field label="Unit cost" error={errorOf(l.key, i, 'unitCost')} hint={currency ? `per unit, ${currency}` : undefined}>
              {(p) => (
                <input
                  {...p}
                  value={l.unitCost}
                  onInput={(e) => update(l.key, { unitCost: valueOf(e) })}
                  inputMode="decimal"
                  placeholder="4.20"
                  autoComplete="off"
                  class="short"
                  required
                />
              )}
            </Field>
            <div class="actions">
              <button type="button" class="secondary" aria-label={`Remove line ${i + 1}`} disabled={lines.length === 1} onClick={() => remove(i)}>
                Remove
              </button>
            </div>
          </div>
          {priced[i] !== undefined && currency ? (
            <p class="muted">
              Line total <Money minor={priced[i]!} currency={currency} />
            </p>
          ) : null}
        </fieldset>
      ))}
      <div class="actions">
        <button type="button" class="secondary" onClick={add} disabled={lines.length >= 100}>
          Add line
        </button>
      </div>
      <Field label="Note" error={form.error('note')} hint="optional; printed on the purchase order">
        {(p) => <textarea {...p} value={note} onInput={(e) => setNote(valueOf(e))} maxLength={500} rows={2} />}
      </Field>
      <p aria-live="polite">
        {total !== undefined && currency && Number.isSafeInteger(total) ? (
          <>
            Total{' '}
            <strong>
              <Money minor={total} currency={currency} />
            </strong>
          </>
        ) : (
          <span class="muted">Choose products, quantities and costs to see the total.</span>
        )}
      </p>
      <div class="actions">
        <a class="button secondary" href={href('/purchase-orders')}>
          Back
        </a>
        <button type="submit" disabled={form.busy}>
          Create purchase order
        </button>
      </div>
    </form>
  );
}
