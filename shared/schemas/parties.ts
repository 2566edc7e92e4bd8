import countries from 'i18n-iso-countries';
import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import * as jsvatModule from 'jsvat-next';
import { z } from 'zod';
import { policyProblem } from '../domain/reminders.js';
import type { PostalAddress } from '../domain/parties.js';
import { email, text } from './common.js';

// The checks of the parties' fields (types in shared/domain/parties.ts), one source for the customer
// body, the company profile (command, table and the configured file) and the forms' server errors.
// Each normalises what people type (case, spaces) before it checks, so what is stored is canonical.

/** ISO 3166-1 alpha-2, checked against i18n-iso-countries' list (kept with the standard's changes). */
export const countryCode = z
  .string()
  .trim()
  .toUpperCase()
  // Either case on input (the pattern is also what OpenAPI shows callers); stored upper case.
  .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code such as DE')
  .refine((c) => countries.isValid(c), 'not an ISO 3166-1 alpha-2 country code');

/** EN 16931 BG-5/BG-8: 1-3 street lines, postal code, city, country (every field required once an address is given). */
export const postalAddress = z
  .object({
    lines: z.array(text(200)).min(1).max(3),
    postalCode: text(20),
    city: text(100),
    country: countryCode,
  })
  .strict() satisfies z.ZodType<PostalAddress, unknown>;

// Prefixes that are VAT prefixes without being ISO countries: Greece's EL, Northern Ireland's XI, and
// the EU's non-union OSS scheme (EU).
// jsvat-next ships CommonJS (what Node loads: its exports are then under `default`, which Node's ESM
// loader cannot name) and an ES build (what esbuild bundles: named exports, no default).
const jsvat = (typeof jsvatModule.checkVAT === 'function' ? jsvatModule : Reflect.get(jsvatModule, 'default')) as typeof jsvatModule;

const vatOnlyPrefixes = new Set(['EL', 'XI', 'EU']);

/** Why a VAT id is refused, or undefined when it passes: jsvat-next's rules (format and check digit)
 *  for the countries it knows, the generic BT-31 shape (ISO prefix, 2-13 letters or digits) elsewhere. */
export function vatIdProblem(vatId: string): string | undefined {
  if (!/^[A-Z]{2}[A-Z0-9+*]{2,13}$/.test(vatId)) return 'a VAT id is a two-letter country prefix and 2 to 13 letters or digits, e.g. DE136695976';
  const prefix = vatId.slice(0, 2);
  if (!countries.isValid(prefix) && !vatOnlyPrefixes.has(prefix)) return `${prefix} is not a country prefix`;
  const checked = jsvat.checkVAT(vatId, jsvat.countries);
  if (!checked.isSupportedCountry) return undefined;
  if (!checked.isValidFormat) return `not the format of a ${checked.country?.name ?? prefix} VAT id`;
  if (!checked.isValid) return `the check digits of this ${checked.country?.name ?? prefix} VAT id do not match`;
  return undefined;
}

/** A VAT id with its country prefix (BT-31 / BT-48), spaces, dots and dashes dropped, upper case. */
export const vatId = z
  .string()
  .trim()
  .max(40)
  .transform((v) => v.replace(/[\s.-]/g, '').toUpperCase())
  .superRefine((v, ctx) => {
    const problem = vatIdProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** An IBAN (mod-97 and the country's length, ibantools), stored in its electronic form (no spaces). */
export const iban = z
  .string()
  .trim()
  .max(50)
  .transform((v) => electronicFormatIBAN(v) ?? '')
  .refine((v) => isValidIBAN(v), 'not a valid IBAN (country, length or check digits)');

/** A BIC (ISO 9362: 8 or 11 characters, with a real country), upper case. */
export const bic = z
  .string()
  .trim()
  .toUpperCase()
  .refine((v) => isValidBIC(v), 'not a valid BIC: 8 or 11 letters and digits, e.g. COBADEFFXXX');

/** A language for documents and e-mail: ISO 639-1, lower case (e.g. en, de, fr). */
export const language = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[A-Za-z]{2}$/, 'an ISO 639-1 language code such as en, de or fr');

export const phone = z
  .string()
  .trim()
  .min(3)
  .max(40)
  .regex(/^\+?[0-9 ()/.-]+$/, 'digits, spaces and + ( ) / . - only');

/** The seller as erpbi keeps it: the company_profile table, `POST upsert-customer/company` and the configured file. */
/** Dunning levels (shared/domain/reminders.ts, docs/rules.md "Reminders"); fees in minor units of the
 *  invoice's currency, `feeByCurrency` for a fee that differs per currency. Default: 7, 21, 35 days, no fees. */
export const reminderLevels = z
  .array(
    z
      .object({
        level: z.number().int().min(1).max(9),
        daysPastDue: z.number().int().min(1).max(3650),
        fee: z.number().int().min(0).max(100_000_000).default(0),
        feeByCurrency: z.record(z.string().regex(/^[A-Z]{3}$/), z.number().int().min(0).max(100_000_000)).optional(),
      })
      .strict(),
  )
  .max(9)
  .superRefine((levels, ctx) => {
    const problem = policyProblem(levels);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const companyProfile = z
  .object({
    name: text(200),
    address: postalAddress,
    vatId: vatId.optional(),
    /** A tax registration other than the VAT id (e.g. a German Steuernummer), BT-32. */
    taxRegistration: text(40).optional(),
    email: email.optional(),
    phone: phone.optional(),
    bank: z
      .object({ name: text(100).optional(), iban, bic: bic.optional() })
      .strict()
      .optional(),
    /** E-mail an invoice to the customer when it is issued (read by the e-mail reaction). */
    emailOnIssue: z.boolean().default(false),
    reminders: reminderLevels.optional(),
  })
  .strict();
export type CompanyProfile = z.infer<typeof companyProfile>;
