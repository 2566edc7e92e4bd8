import type { PostalAddress } from '../../../shared/domain/parties.js';
import { Field, valueOf, type Form } from '../form.js';

// The postal address fields of the customer and company forms (labels Street, Postal code, City,
// Country), their errors at the schema's paths (address.lines, address.city...).

export interface AddressDraft {
  street: string;
  postalCode: string;
  city: string;
  country: string;
}

export const addressDraft = (a: PostalAddress | null | undefined): AddressDraft => ({
  street: a?.lines.join('\n') ?? '',
  postalCode: a?.postalCode ?? '',
  city: a?.city ?? '',
  country: a?.country ?? '',
});

/** The address to send: undefined when every field is empty (a customer may have none); otherwise whole, for the schema to check. */
export function addressValue(d: AddressDraft): unknown {
  if (![d.street, d.postalCode, d.city, d.country].some((v) => v.trim() !== '')) return undefined;
  const lines = d.street
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return { lines, postalCode: d.postalCode, city: d.city, country: d.country };
}

const error = (form: Form, key: string) => form.error(`address.${key}`);

/** `legend`: what the address is of; by default a customer's billing address, or the company's "Address" when required. */
export function AddressFields({
  form,
  value,
  onChange,
  required,
  legend,
}: {
  form: Form;
  value: AddressDraft;
  onChange: (d: AddressDraft) => void;
  required?: boolean;
  legend?: string;
}) {
  const set = (k: keyof AddressDraft) => (e: Event) => onChange({ ...value, [k]: valueOf(e) });
  // The whole address is one error when it is missing where required (path "address").
  const whole = form.error('address');
  return (
    <fieldset class="address">
      <legend>{legend ?? (required ? 'Address' : 'Billing address')}</legend>
      {whole ? <p class="field-error">{whole}</p> : null}
      <Field label="Street" error={error(form, 'lines')} hint="up to 3 lines">
        {(p) => <textarea {...p} rows={2} value={value.street} onInput={set('street')} autoComplete="street-address" />}
      </Field>
      <div class="row">
        <Field label="Postal code" error={error(form, 'postalCode')}>
          {(p) => <input {...p} value={value.postalCode} onInput={set('postalCode')} autoComplete="postal-code" class="short" />}
        </Field>
        <Field label="City" error={error(form, 'city')}>
          {(p) => <input {...p} value={value.city} onInput={set('city')} autoComplete="address-level2" />}
        </Field>
        <Field label="Country" error={error(form, 'country')} hint="two letters, e.g. DE">
          {(p) => <input {...p} value={value.country} onInput={set('country')} autoComplete="country" maxLength={2} class="short" />}
        </Field>
      </div>
    </fieldset>
  );
}

/** Names of what an e-invoice lacks, as the form labels them. */
const fieldNames: Record<string, string> = {
  'address.lines': 'Street',
  'address.postalCode': 'Postal code',
  'address.city': 'City',
  'address.country': 'Country',
};
export const missingNames = (paths: readonly string[]) => paths.map((p) => fieldNames[p] ?? p);
