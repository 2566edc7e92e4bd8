import { useState } from 'preact/hooks';
import { amountText, bpToPercentText, parseAmount, parsePercentToBp, parseWholeNumber } from '../../../../shared/domain/money.js';
import { body as productBody } from '../../../../functions/upsert-product/schema.js';
import { run } from '../../api.js';
import { Field, FormError, useForm, valueOf } from '../../form.js';
import { href, navigate } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import type { Product } from '../../types.js';
import { Header, Show } from '../../ui.js';
import { useProduct } from '../../hooks/products.js';
import { useAllSuppliers } from '../../hooks/suppliers.js';

/** New product (no sku in the address) or edit of an existing one; the sku is the key and stays. */
export function ProductEdit({ params }: ScreenProps) {
  const editing = params.sku;
  const existing = useProduct(editing);
  return (
    <section>
      <Header title={editing ? `Product ${editing}` : 'New product'} />
      {editing ? <Show loaded={existing}>{(p) => <ProductForm product={p} />}</Show> : <ProductForm />}
    </section>
  );
}

function ProductForm({ product }: { product?: Product | undefined }) {
  const form = useForm();
  const [f, setF] = useState({
    sku: product?.sku ?? '',
    name: product?.name ?? '',
    unitPrice: product ? amountText(product.unitPrice, product.currency) : '',
    currency: product?.currency ?? 'EUR',
    taxRate: product ? bpToPercentText(product.taxRateBp) : '0',
    reorderLevel: String(product?.reorderLevel ?? 0),
    reorderQuantity: String(product?.reorderQuantity ?? 0),
    preferredSupplierId: product?.preferredSupplierId ?? '',
    supplierSku: product?.supplierSku ?? '',
    vatExemptionReason: product?.vatExemptionReason ?? '',
  });
  const suppliers = useAllSuppliers();
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: valueOf(e) });
  const save = (e: Event) => {
    e.preventDefault();
    const unitPrice = parseAmount(f.unitPrice, f.currency);
    const taxRateBp = parsePercentToBp(f.taxRate);
    const reorderLevel = parseWholeNumber(f.reorderLevel);
    const reorderQuantity = parseWholeNumber(f.reorderQuantity);
    // Blank clears a stored supplier or supplier SKU (null); on a new product there is nothing to clear.
    const blank = product ? null : undefined;
    // Blank: not exempt (the body leaves the field out, which also clears a stored reason).
    const vatExemptionReason = f.vatExemptionReason.trim() || undefined;
    void form.submit({
      schema: productBody,
      value: {
        sku: f.sku,
        name: f.name,
        unitPrice,
        currency: f.currency.trim().toUpperCase(),
        taxRateBp,
        reorderLevel,
        vatExemptionReason,
        reorderQuantity,
        preferredSupplierId: f.preferredSupplierId || blank,
        supplierSku: f.supplierSku.trim() || blank,
      },
      fieldErrors: {
        ...(unitPrice === undefined ? { unitPrice: `an amount such as 12.50` } : {}),
        ...(taxRateBp === undefined ? { taxRateBp: 'a percentage such as 20 or 7.5' } : {}),
        ...(reorderLevel === undefined ? { reorderLevel: 'a whole number of units' } : {}),
        ...(reorderQuantity === undefined ? { reorderQuantity: 'a whole number of units' } : {}),
      },
      send: (b, key) => run('upsert-product', b, key),
      done: () => navigate('/products'),
    });
  };
  return (
    <form class="card form" onSubmit={save} noValidate>
      <FormError form={form} />
      <Field label="SKU" error={form.error('sku')}>
        {(p) => <input {...p} value={f.sku} onInput={set('sku')} readOnly={!!product} required autoComplete="off" />}
      </Field>
      <Field label="Name" error={form.error('name')}>
        {(p) => <input {...p} value={f.name} onInput={set('name')} required />}
      </Field>
      <div class="row">
        <Field label="Unit price" error={form.error('unitPrice')}>
          {(p) => <input {...p} value={f.unitPrice} onInput={set('unitPrice')} inputMode="decimal" placeholder="12.50" required />}
        </Field>
        <Field label="Currency" error={form.error('currency')}>
          {(p) => <input {...p} value={f.currency} onInput={set('currency')} maxLength={3} class="short" required />}
        </Field>
        <Field label="Tax rate" error={form.error('taxRateBp')} hint="percent">
          {(p) => <input {...p} value={f.taxRate} onInput={set('taxRate')} inputMode="decimal" class="short" />}
        </Field>
      </div>
      <fieldset>
        <legend>Buying</legend>
        <div class="row">
          <Field label="Reorder level" error={form.error('reorderLevel')} hint="low stock at or below; 0: never suggested">
            {(p) => <input {...p} value={f.reorderLevel} onInput={set('reorderLevel')} inputMode="numeric" class="short" />}
          </Field>
          <Field label="Reorder quantity" error={form.error('reorderQuantity')} hint="the least to order at a time">
            {(p) => <input {...p} value={f.reorderQuantity} onInput={set('reorderQuantity')} inputMode="numeric" class="short" />}
          </Field>
          <Field label="Preferred supplier" error={form.error('preferredSupplierId')} hint="optional; reorder suggestions are grouped by it">
            {(p) => (
              <select {...p} value={f.preferredSupplierId} onChange={set('preferredSupplierId')}>
                <option value="">{suppliers.data ? 'None' : 'Loading suppliers…'}</option>
                {/* The stored one stays choosable before the list has loaded. */}
                {f.preferredSupplierId && !suppliers.data?.some((s) => s.id === f.preferredSupplierId) ? (
                  <option value={f.preferredSupplierId}>{f.preferredSupplierId}</option>
                ) : null}
                {(suppliers.data ?? []).map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name} ({s.currency})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Supplier SKU" error={form.error('supplierSku')} hint="optional; the supplier's own number, printed on purchase orders">
            {(p) => <input {...p} value={f.supplierSku} onInput={set('supplierSku')} maxLength={100} autoComplete="off" />}
          </Field>
        </div>
      </fieldset>
      <Field label="VAT exemption reason" error={form.error('vatExemptionReason')} hint="optional; an exempt product's tax rate is 0">
        {(p) => (
          <input
            {...p}
            value={f.vatExemptionReason}
            onInput={set('vatExemptionReason')}
            maxLength={500}
            placeholder="Exempt medical care, Article 132(1)(c) Council Directive 2006/112/EC"
          />
        )}
      </Field>
      <div class="actions">
        <a class="button secondary" href={href('/products')}>
          Back
        </a>
        <button type="submit" disabled={form.busy}>
          Save
        </button>
      </div>
    </form>
  );
}
