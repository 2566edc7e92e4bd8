import { useState } from 'preact/hooks';
import { companyBody } from '../../../../functions/upsert-customer/schema.js';
import type { CompanyProfile } from '../../../../shared/schemas/parties.js';
import { run } from '../../api.js';
import { Field, FormError, useForm, valueOf } from '../../form.js';
import type { ScreenProps } from '../../screen.js';
import { Header, Show } from '../../ui.js';
import { AddressFields, addressDraft, addressValue } from '../../components/address-fields.js';
import { useCompany } from '../../hooks/company.js';

// The seller on every invoice (admin only). Invoices freeze it when issued: saving here changes the
// ones issued from now on, never one already issued.

export function CompanyEdit(_: ScreenProps) {
  // Reloaded in place after a save (the form, and its "Saved.", stay).
  const stored = useCompany();
  return (
    <section>
      <Header title="Company" />
      <Show loaded={stored}>
        {(s) => (
          <>
            <p class="muted">
              {s.profile
                ? `The seller on invoices issued from now on. Last saved ${s.updatedAt ? new Date(s.updatedAt).toLocaleString() : ''}${s.updatedBy ? ` by ${s.updatedBy}` : ''}; invoices already issued keep the details they were issued with.`
                : 'Not saved yet: invoices print the company profile configured at installation (company.json or the company-profile secret) until you save this form.'}
            </p>
            <CompanyForm profile={s.profile ?? undefined} saved={stored.reload} />
          </>
        )}
      </Show>
    </section>
  );
}

function CompanyForm({ profile, saved }: { profile?: CompanyProfile | undefined; saved: () => void }) {
  const form = useForm();
  const [f, setF] = useState({
    name: profile?.name ?? '',
    vatId: profile?.vatId ?? '',
    taxRegistration: profile?.taxRegistration ?? '',
    email: profile?.email ?? '',
    phone: profile?.phone ?? '',
    bankName: profile?.bank?.name ?? '',
    iban: profile?.bank?.iban ?? '',
    bic: profile?.bank?.bic ?? '',
  });
  const [emailOnIssue, setEmailOnIssue] = useState(profile?.emailOnIssue ?? false);
  const [address, setAddress] = useState(addressDraft(profile?.address));
  const [done, setDone] = useState(false);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: valueOf(e) });
  const optional = (v: string) => v.trim() || undefined;
  const save = (e: Event) => {
    e.preventDefault();
    setDone(false);
    const bankGiven = [f.bankName, f.iban, f.bic].some((v) => v.trim() !== '');
    void form.submit({
      schema: companyBody,
      value: {
        name: f.name,
        address: addressValue(address),
        vatId: optional(f.vatId),
        taxRegistration: optional(f.taxRegistration),
        email: optional(f.email),
        phone: optional(f.phone),
        bank: bankGiven ? { name: optional(f.bankName), iban: f.iban, bic: optional(f.bic) } : undefined,
        emailOnIssue,
      },
      send: (b, key) => run<CompanyProfile>('upsert-customer/company', b, key),
      done: () => {
        setDone(true);
        saved();
      },
    });
  };
  return (
    <form class="card form" onSubmit={save} noValidate>
      <FormError form={form} />
      {done ? <p role="status">Saved.</p> : null}
      <Field label="Name" error={form.error('name')}>
        {(p) => <input {...p} value={f.name} onInput={set('name')} required autoComplete="organization" />}
      </Field>
      <AddressFields form={form} value={address} onChange={setAddress} required />
      <div class="row">
        <Field label="VAT ID" error={form.error('vatId')} hint="with its country prefix, e.g. DE136695976">
          {(p) => <input {...p} value={f.vatId} onInput={set('vatId')} autoComplete="off" />}
        </Field>
        <Field label="Tax registration" error={form.error('taxRegistration')} hint="optional, e.g. a tax number">
          {(p) => <input {...p} value={f.taxRegistration} onInput={set('taxRegistration')} autoComplete="off" />}
        </Field>
      </div>
      <div class="row">
        <Field label="Email" error={form.error('email')}>
          {(p) => <input {...p} type="email" value={f.email} onInput={set('email')} autoComplete="email" />}
        </Field>
        <Field label="Phone" error={form.error('phone')}>
          {(p) => <input {...p} type="tel" value={f.phone} onInput={set('phone')} autoComplete="tel" />}
        </Field>
      </div>
      <div class="row">
        <Field label="Bank name" error={form.error('bank.name')}>
          {(p) => <input {...p} value={f.bankName} onInput={set('bankName')} autoComplete="off" />}
        </Field>
        <Field label="IBAN" error={form.error('bank.iban')}>
          {(p) => <input {...p} value={f.iban} onInput={set('iban')} autoComplete="off" />}
        </Field>
        <Field label="BIC" error={form.error('bank.bic')}>
          {(p) => <input {...p} value={f.bic} onInput={set('bic')} autoComplete="off" class="short" />}
        </Field>
      </div>
      <label class="checkbox">
        <input type="checkbox" checked={emailOnIssue} onChange={(e) => setEmailOnIssue((e.currentTarget as HTMLInputElement).checked)} /> E-mail each invoice to
        the customer when it is issued
      </label>
      <div class="actions">
        <button type="submit" disabled={form.busy}>
          Save
        </button>
      </div>
    </form>
  );
}
