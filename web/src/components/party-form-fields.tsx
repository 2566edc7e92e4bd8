import { useState } from 'preact/hooks';
import type { PostalAddress } from '../../../shared/domain/parties.js';
import { parseWholeNumber } from '../../../shared/domain/money.js';
import { Field, valueOf, type Form } from '../form.js';
import { addressDraft, addressValue } from './address-fields.js';

// What the customer and supplier forms share: a party's name, e-mail, payment terms, VAT ID and
// postal address, their draft, and what of it goes into the command's body. Each form adds its own
// fields (a supplier's currency; a customer's language and preferred currency) and its own hints.

export interface Party {
  name: string;
  email: string | null;
  paymentTermsDays: number;
  vatId: string | null;
  address: PostalAddress | null;
}

/** A form's text, empty meaning "not given". */
export const optional = (v: string) => v.trim() || undefined;

/** The draft of a party's fields plus the form's own `extra` ones, all strings as typed. */
export function usePartyDraft<E extends Record<string, string>>(party: Party | undefined, extra: E) {
  const [f, setF] = useState({
    name: party?.name ?? '',
    email: party?.email ?? '',
    terms: String(party?.paymentTermsDays ?? 30),
    vatId: party?.vatId ?? '',
    ...extra,
  });
  const [address, setAddress] = useState(addressDraft(party?.address));
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: valueOf(e) });
  /** The shared part of the body, and the error for terms that are not a whole number (the schema sees undefined). */
  const body = (): { value: object; fieldErrors: Record<string, string> } => {
    const paymentTermsDays = parseWholeNumber(f.terms);
    return {
      value: { name: f.name, email: optional(f.email), paymentTermsDays, address: addressValue(address), vatId: optional(f.vatId) },
      fieldErrors: paymentTermsDays === undefined ? { paymentTermsDays: 'a whole number of days such as 30' } : {},
    };
  };
  return { f, set, address, setAddress, body };
}

type Shared = 'name' | 'email' | 'terms' | 'vatId';
/** What the fields below need of any party draft, whatever its extra fields. */
interface Draft {
  f: Record<Shared, string>;
  set: (k: Shared) => (e: Event) => void;
}

export function NameField({ form, draft }: { form: Form; draft: Draft }) {
  return (
    <Field label="Name" error={form.error('name')}>
      {(p) => <input {...p} value={draft.f.name} onInput={draft.set('name')} required autoComplete="organization" />}
    </Field>
  );
}

export function EmailField({ form, draft, hint }: { form: Form; draft: Draft; hint: string }) {
  return (
    <Field label="Email" error={form.error('email')} hint={hint}>
      {(p) => <input {...p} type="email" value={draft.f.email} onInput={draft.set('email')} autoComplete="email" />}
    </Field>
  );
}

export function PaymentTermsField({ form, draft, hint }: { form: Form; draft: Draft; hint: string }) {
  return (
    <Field label="Payment terms (days)" error={form.error('paymentTermsDays')} hint={hint}>
      {(p) => <input {...p} value={draft.f.terms} onInput={draft.set('terms')} inputMode="numeric" class="short" required />}
    </Field>
  );
}

export function VatIdField({ form, draft }: { form: Form; draft: Draft }) {
  return (
    <Field label="VAT ID" error={form.error('vatId')} hint="optional; with its country prefix, e.g. FR40303265045">
      {(p) => <input {...p} value={draft.f.vatId} onInput={draft.set('vatId')} autoComplete="off" />}
    </Field>
  );
}

/** Back to where the form was opened from, and Save. */
export function FormActions({ form, back }: { form: Form; back: string }) {
  return (
    <div class="actions">
      <a class="button secondary" href={back}>
        Back
      </a>
      <button type="submit" disabled={form.busy}>
        Save
      </button>
    </div>
  );
}
