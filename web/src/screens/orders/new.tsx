import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { body as orderBody } from '../../../../functions/create-order/schema.js';
import { parseWholeNumber } from '../../../../shared/domain/money.js';
import { priceLine, totalsOf, type PricedLine } from '../../../../shared/domain/pricing.js';
import { run } from '../../api.js';
import { Field, FormError, useForm, valueOf } from '../../form.js';
import { href, navigate, seg } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import { Header, Money, Show } from '../../ui.js';
import { CustomerPicker } from '../../components/customer-picker.js';
import { useSaleOffers, type SaleOffer } from '../../hooks/orders.js';

// Entering an order: the preview prices lines with the server's own rules (pricing.ts), and shows
// the stock available as a hint only: reservation happens after the order is taken, and the server
// (not this page) decides whether there is enough.

type Offer = SaleOffer;

interface Line {
  key: number;
  sku: string;
  quantity: string;
}

export function NewOrder({ query }: ScreenProps) {
  const catalogue = useSaleOffers();
  return (
    <section>
      <Header title="New order" />
      <Show loaded={catalogue}>
        {(offers) =>
          offers.size === 0 ? (
            <p class="empty">
              There are no products to order yet. <a href={href('/products')}>Products</a>
            </p>
          ) : (
            <OrderForm offers={offers} customerId={query.get('customerId') ?? ''} />
          )
        }
      </Show>
    </section>
  );
}

function quantityProblem(text: string): string | undefined {
  const n = parseWholeNumber(text);
  if (n === undefined) return 'a whole number of units, such as 3';
  if (n < 1) return 'at least 1';
  if (n > 1_000_000) return 'at most 1,000,000';
  return undefined;
}

function OrderForm({ offers, customerId: initialCustomer }: { offers: Map<string, Offer>; customerId: string }) {
  const form = useForm();
  const [customerId, setCustomerId] = useState(initialCustomer);
  const nextKey = useRef(2);
  const [lines, setLines] = useState<Line[]>([{ key: 1, sku: '', quantity: '1' }]);
  // The line keys in the order they were sent: errors name lines by index, and a line removed since
  // must not pass its error on to the line that took its place.
  const [sent, setSent] = useState<number[]>([]);
  const focusLine = useRef<number | 'add' | null>(null);
  const root = useRef<HTMLFormElement>(null);

  // Before the next key press: a fast typist's keys go to the new line's Product, not to the button.
  useLayoutEffect(() => {
    const k = focusLine.current;
    if (k === null) return;
    focusLine.current = null;
    const target =
      k === 'add' ? root.current?.querySelector<HTMLElement>('[data-add-line]') : root.current?.querySelector<HTMLElement>(`select[data-line="${k}"]`);
    target?.focus();
  }, [lines]);

  const update = (key: number, change: Partial<Line>) => setLines(lines.map((l) => (l.key === key ? { ...l, ...change } : l)));
  const add = () => {
    const key = nextKey.current++;
    focusLine.current = key;
    setLines([...lines, { key, sku: '', quantity: '1' }]);
  };
  const remove = (i: number) => {
    const rest = lines.filter((_, j) => j !== i);
    focusLine.current = rest[i]?.key ?? rest[i - 1]?.key ?? 'add';
    setLines(rest);
  };
  const errorOf = (key: number, i: number, field: 'sku' | 'quantity') => {
    form.error(`lines.${i}.${field}`); // the path this line answers to if the form is sent now
    const at = sent.indexOf(key);
    return at < 0 ? undefined : form.error(`lines.${at}.${field}`);
  };

  const priced = lines.map((l) => price(offers.get(l.sku), l.quantity));
  const save = (e: Event) => {
    e.preventDefault();
    const fieldErrors: Record<string, string> = customerId ? {} : { customerId: 'choose a customer' };
    lines.forEach((l, i) => {
      if (!l.sku) fieldErrors[`lines.${i}.sku`] = 'choose a product';
      const problem = quantityProblem(l.quantity);
      if (problem) fieldErrors[`lines.${i}.quantity`] = problem;
    });
    setSent(lines.map((l) => l.key));
    void form.submit({
      schema: orderBody,
      value: { customerId, lines: lines.map((l) => ({ sku: l.sku, quantity: parseWholeNumber(l.quantity) ?? 0 })) },
      fieldErrors,
      send: (b, key) => run<{ id: string }>('create-order', b, key),
      done: (order) => navigate(`/orders/${seg(order.id)}`),
    });
  };

  return (
    <form ref={root} class="card form" onSubmit={save} noValidate>
      <FormError form={form} />
      <CustomerPicker value={customerId} onChange={setCustomerId} error={form.error('customerId')} />
      {lines.map((l, i) => {
        const offer = offers.get(l.sku);
        const line = priced[i];
        return (
          <fieldset key={l.key}>
            <legend>Line {i + 1}</legend>
            <div class="row">
              <Field label="Product" error={errorOf(l.key, i, 'sku')}>
                {(p) => (
                  <select {...p} data-line={l.key} value={l.sku} onChange={(e) => update(l.key, { sku: valueOf(e) })} required>
                    <option value="">Choose a product</option>
                    {[...offers.values()].map((o) => (
                      <option key={o.sku} value={o.sku}>
                        {o.sku} — {o.name} ({o.available ?? 0} available)
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label="Quantity" error={errorOf(l.key, i, 'quantity')} hint={<Availability offer={offer} quantity={parseWholeNumber(l.quantity)} />}>
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
              <div class="actions">
                <button type="button" class="secondary" aria-label={`Remove line ${i + 1}`} disabled={lines.length === 1} onClick={() => remove(i)}>
                  Remove
                </button>
              </div>
            </div>
            {line ? <p class="muted">{'net' in line ? <LinePrice line={line} currency={offer!.currency} /> : line.problem}</p> : null}
          </fieldset>
        );
      })}
      <div class="actions">
        <button type="button" class="secondary" data-add-line onClick={add} disabled={lines.length >= 100}>
          Add line
        </button>
      </div>
      <OrderTotals lines={lines.map((l, i) => ({ offer: offers.get(l.sku), line: priced[i] }))} />
      <div class="actions">
        <a class="button secondary" href={href('/orders')}>
          Back
        </a>
        <button type="submit" disabled={form.busy}>
          Create order
        </button>
      </div>
    </form>
  );
}

type Priced = PricedLine | { problem: string } | undefined;

function price(offer: Offer | undefined, quantity: string): Priced {
  const n = parseWholeNumber(quantity);
  if (!offer || n === undefined || n < 1) return undefined;
  try {
    return priceLine(offer, n);
  } catch {
    return { problem: 'too large an amount for one line' };
  }
}

function Availability({ offer, quantity }: { offer: Offer | undefined; quantity: number | undefined }) {
  if (!offer) return null;
  const available = offer.available ?? 0;
  const short = quantity !== undefined && quantity > available;
  // Announced as it changes: a keyboard user types the quantity and hears whether there is enough.
  return (
    <span aria-live="polite" class={short ? 'low' : undefined}>
      {short ? `only ${available} available` : `${available} available`}
    </span>
  );
}

const LinePrice = ({ line, currency }: { line: PricedLine; currency: string }) => (
  <>
    Net <Money minor={line.net} currency={currency} />, tax <Money minor={line.tax} currency={currency} />, total{' '}
    <Money minor={line.net + line.tax} currency={currency} />
  </>
);

function OrderTotals({ lines }: { lines: { offer: Offer | undefined; line: Priced }[] }) {
  const priced = lines.filter((l): l is { offer: Offer; line: PricedLine } => !!l.offer && !!l.line && 'net' in l.line);
  const currencies = [...new Set(priced.map((l) => l.offer.currency))];
  let body;
  if (priced.length === 0) body = <p class="muted">Choose products and quantities to see the total.</p>;
  else if (currencies.length > 1)
    body = <p class="hint">These products are priced in different currencies ({currencies.join(', ')}); one order takes one currency, so there is no total.</p>;
  else {
    const t = totalsOf(
      priced.map((l) => l.line),
      currencies[0]!,
    );
    const safe = Number.isSafeInteger(t.total);
    body = safe ? (
      <table class="totals">
        <caption class="sr-only">Order total</caption>
        <tbody>
          <tr>
            <th scope="row">Subtotal</th>
            <td>
              <Money minor={t.subtotal} currency={t.currency} />
            </td>
          </tr>
          <tr>
            <th scope="row">Tax</th>
            <td>
              <Money minor={t.tax} currency={t.currency} />
            </td>
          </tr>
          <tr>
            <th scope="row">Total</th>
            <td>
              <Money minor={t.total} currency={t.currency} />
            </td>
          </tr>
        </tbody>
      </table>
    ) : (
      <p class="hint">The total is larger than an order may be.</p>
    );
  }
  return (
    <section aria-labelledby="order-preview">
      <h2 id="order-preview">Preview</h2>
      {body}
      {priced.length > 0 && priced.length < lines.length ? <p class="muted">Lines without a product or quantity are not counted yet.</p> : null}
    </section>
  );
}
