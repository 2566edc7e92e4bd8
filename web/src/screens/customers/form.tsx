import { body as customerBody } from '../../../../functions/upsert-customer/schema.js';
import { run } from '../../api.js';
import { Field, FormError, useForm } from '../../form.js';
import { href, navigate, seg } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import type { Customer } from '../../types.js';
import { Header, Show } from '../../ui.js';
import { AddressFields } from '../../components/address-fields.js';
import { EmailField, FormActions, NameField, PaymentTermsField, VatIdField, optional, usePartyDraft } from '../../components/party-form-fields.js';
import { useCustomer } from '../../hooks/customers.js';

/** New customer (no id in the address) or an edit; the id stays, upsert-customer replaces the record. */
export function CustomerEdit({ params }: ScreenProps) {
  const id = params.id;
  const existing = useCustomer(id);
  return (
    <section>
      <Header title={id ? `Edit ${existing.data?.name ?? 'customer'}` : 'New customer'} />
      {id ? <Show loaded={existing}>{(c) => <CustomerForm customer={c} />}</Show> : <CustomerForm />}
    </section>
  );
}

function CustomerForm({ customer }: { customer?: Customer | undefined }) {
  const form = useForm();
  const draft = usePartyDraft(customer, { language: customer?.language ?? '', currency: customer?.currency ?? '' });
  const save = (e: Event) => {
    e.preventDefault();
    const { value, fieldErrors } = draft.body();
    void form.submit({
      schema: customerBody,
      value: { ...(customer ? { id: customer.id } : {}), ...value, language: optional(draft.f.language), currency: optional(draft.f.currency)?.toUpperCase() },
      fieldErrors,
      send: (b, key) => run<Customer>('upsert-customer', b, key),
      done: (c) => navigate(`/customers/${seg(c.id)}`),
    });
  };
  return (
    <form class="card form" onSubmit={save} noValidate>
      <FormError form={form} />
      <NameField form={form} draft={draft} />
      <div class="row">
        <EmailField form={form} draft={draft} hint="optional" />
        <PaymentTermsField form={form} draft={draft} hint="the invoice is due this many days after issue" />
      </div>
      <AddressFields form={form} value={draft.address} onChange={draft.setAddress} />
      <div class="row">
        <VatIdField form={form} draft={draft} />
        <Field label="Language" error={form.error('language')} hint="optional; for documents, e.g. en, de, fr">
          {(p) => <input {...p} value={draft.f.language} onInput={draft.set('language')} maxLength={2} class="short" autoComplete="off" />}
        </Field>
        <Field label="Preferred currency" error={form.error('currency')} hint="optional, e.g. EUR">
          {(p) => <input {...p} value={draft.f.currency} onInput={draft.set('currency')} maxLength={3} class="short" autoComplete="off" />}
        </Field>
      </div>
      <FormActions form={form} back={customer ? href(`/customers/${seg(customer.id)}`) : href('/customers')} />
    </form>
  );
}
