import { supplierBody } from '../../../../shared/schemas/supplier.js';
import { run } from '../../api.js';
import { Field, FormError, useForm } from '../../form.js';
import { href, navigate, seg } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import type { Supplier } from '../../types.js';
import { Header, Show } from '../../ui.js';
import { AddressFields } from '../../components/address-fields.js';
import { EmailField, FormActions, NameField, PaymentTermsField, VatIdField, usePartyDraft } from '../../components/party-form-fields.js';
import { useSupplier } from '../../hooks/suppliers.js';

/** New supplier (no id in the address) or an edit; the id stays, the command replaces the record. */
export function SupplierEdit({ params }: ScreenProps) {
  const id = params.id;
  const existing = useSupplier(id);
  return (
    <section>
      <Header title={id ? `Edit ${existing.data?.name ?? 'supplier'}` : 'New supplier'} />
      {id ? <Show loaded={existing}>{(s) => <SupplierForm supplier={s} />}</Show> : <SupplierForm />}
    </section>
  );
}

function SupplierForm({ supplier }: { supplier?: Supplier | undefined }) {
  const form = useForm();
  const draft = usePartyDraft(supplier, { currency: supplier?.currency ?? 'EUR' });
  const save = (e: Event) => {
    e.preventDefault();
    const { value, fieldErrors } = draft.body();
    void form.submit({
      schema: supplierBody,
      value: { ...(supplier ? { id: supplier.id } : {}), ...value, currency: draft.f.currency.trim().toUpperCase() },
      fieldErrors,
      send: (b, key) => run<{ supplierId: string }>('upsert-product/supplier', b, key),
      done: (s) => navigate(`/suppliers/${seg(s.supplierId)}`),
    });
  };
  return (
    <form class="card form" onSubmit={save} noValidate>
      <FormError form={form} />
      <NameField form={form} draft={draft} />
      <div class="row">
        <EmailField form={form} draft={draft} hint="optional; purchase orders are e-mailed here" />
        <PaymentTermsField form={form} draft={draft} hint="days the supplier gives us to pay" />
        <Field label="Currency" error={form.error('currency')} hint="what the supplier bills in, e.g. EUR">
          {(p) => <input {...p} value={draft.f.currency} onInput={draft.set('currency')} maxLength={3} class="short" required autoComplete="off" />}
        </Field>
      </div>
      <AddressFields form={form} value={draft.address} onChange={draft.setAddress} legend="Address" />
      <VatIdField form={form} draft={draft} />
      <FormActions form={form} back={supplier ? href(`/suppliers/${seg(supplier.id)}`) : href('/suppliers')} />
    </form>
  );
}
