import { z } from 'zod';
import { secret } from '../config.js';
import type { Pool, Tx } from '../db/pool.js';
import { storedCompanyProfile } from '../orders/company-profile.js';
import type { PostalAddress } from '../domain/parties.js';
import { companyProfile as storedProfile, countryCode, postalAddress, reminderLevels } from '../schemas/parties.js';
import type { DocumentSeller } from './model.js';
import { defaultReminderPolicy, type ReminderLevel } from '../domain/reminders.js';

// The seller on every invoice and credit note. Kept in Postgres (billing.company_profile, one row),
// edited by an admin on the Company screen (`POST upsert-customer/company`); each invoice freezes it as
// issued (billing.invoices.seller). An install from before that table keeps working: while nobody has
// saved the Company screen the table is empty, invoices carry no seller snapshot, and their documents
// take the CONFIGURED profile below when rendered, as they always did. That one is a JSON document from
// the secret `company-profile` (faasd and compose mount it as a file) or the COMPANY_PROFILE variable
// (npm start passes data/company.json, read at start), checked when a document is rendered: a bad
// profile is a failed render (retried), never a wrong document. It is not copied into the table (the
// table is the admin's, the file the operator's; no reader writes): saving the Company screen once
// replaces it for every invoice issued after.

// The configured file's address: the structured one (what npm start writes now), or the free lines of
// the first releases (['Hauptstraße 5', '10115 Berlin', 'Germany']), read as well as they can be.
const legacyLines = z.array(z.string().min(1).max(200)).min(1).max(6);

export const companyProfile = z
  .object({
    name: z.string().min(1).max(200),
    address: z.union([postalAddress, legacyLines]),
    /** With legacy address lines: the country, when neither the lines nor the VAT id's prefix say it. */
    country: countryCode.optional(),
    vatId: z.string().min(1).max(40).optional(),
    taxRegistration: z.string().min(1).max(40).optional(),
    email: z.string().email().optional(),
    phone: z.string().min(1).max(40).optional(),
    bank: z
      .object({ name: z.string().min(1).max(100).optional(), iban: z.string().min(1).max(40), bic: z.string().min(1).max(20).optional() })
      .strict()
      .optional(),
    /** E-mail each invoice and credit note to the customer as soon as its PDF is rendered (shared/billing/deliveries.ts). */
    emailOnIssue: z.boolean().default(false),
    reminders: reminderLevels.optional(),
  })
  .strict();
export type CompanyProfile = z.infer<typeof companyProfile>;

/** What `npm start` writes to data/company.json the first time, for the owner to edit. */
export const exampleCompany: CompanyProfile = {
  name: 'Your Company Ltd',
  address: { lines: ['1 Example Street'], postalCode: '12345', city: 'Example Town', country: 'DE' },
  vatId: 'XX000000000',
  email: 'billing@example.com',
  bank: { name: 'Example Bank', iban: 'XX00 0000 0000 0000 0000 00', bic: 'EXAMPLEXXX' },
  emailOnIssue: false,
};

export function readCompanyProfile(): CompanyProfile {
  const raw = secret('company-profile', 'COMPANY_PROFILE');
  if (!raw) throw new Error('the company profile is not configured: set the secret company-profile (or COMPANY_PROFILE) to its JSON');
  const parsed = companyProfile.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new Error(`the company profile is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

const vatPrefixCountry = (vatId: string | undefined) => {
  const prefix = vatId?.slice(0, 2).toUpperCase();
  if (prefix === 'EL') return 'GR';
  return prefix && countryCode.safeParse(prefix).success ? prefix : undefined;
};

/** Free address lines as a postal address: the last line starting with a digit-led postal code gives
 *  postal code and city, the lines before it the street; the country from `country`, else the VAT id's
 *  prefix. Undefined when that cannot be told (the document then prints no seller address). */
export function legacyAddress(lines: readonly string[], country: string | undefined, vatId: string | undefined): PostalAddress | undefined {
  let at = lines.length - 1;
  while (at >= 0 && !/^(?:[A-Z]{1,2}-)?\d[\w-]{1,9}\s+\S/.test(lines[at]!.trim())) at--;
  const countryOf = country ?? vatPrefixCountry(vatId);
  if (at < 1 || !countryOf) return undefined;
  const [postalCode, ...city] = lines[at]!.trim().split(/\s+/);
  return { lines: lines.slice(0, Math.min(at, 3)), postalCode: postalCode!, city: city.join(' '), country: countryOf };
}

/** The configured profile as the seller of a document (invoices issued before a profile was stored). */
export function configuredSeller(company: CompanyProfile): DocumentSeller {
  const address = Array.isArray(company.address) ? legacyAddress(company.address, company.country, company.vatId) : company.address;
  return {
    name: company.name,
    address,
    vatId: company.vatId,
    taxRegistration: company.taxRegistration,
    email: company.email,
    phone: company.phone,
    bank: company.bank,
  };
}

/** The stored profile (billing.company_profile) as the seller a document freezes. */
export function storedSeller(profile: z.infer<typeof storedProfile>): DocumentSeller {
  return {
    name: profile.name,
    address: profile.address,
    vatId: profile.vatId,
    taxRegistration: profile.taxRegistration,
    email: profile.email,
    phone: profile.phone,
    bank: profile.bank,
  };
}

/** The company as it stands: the stored profile, else the configured one. For the documents that
 *  freeze no seller (a purchase order prints us as its buyer when it is rendered). */
export async function currentCompany(db: Pool | Tx): Promise<DocumentSeller> {
  const stored = await storedCompanyProfile(db);
  return stored ? storedSeller(stored.profile) : configuredSeller(readCompanyProfile());
}

/** The company's settings: the stored profile's (the Company screen's), else the configured one's, else
 *  the defaults: a box with no profile at all still runs reminders and sends nothing by itself (a
 *  configured profile that does not parse is still a loud failure). */
async function settings(db: Pool | Tx): Promise<Pick<CompanyProfile, 'emailOnIssue' | 'reminders'>> {
  const stored = await storedCompanyProfile(db);
  if (stored) return stored.profile;
  return secret('company-profile', 'COMPANY_PROFILE') ? readCompanyProfile() : { emailOnIssue: false };
}

/** Whether documents go to the customer by e-mail as they are issued. */
export async function emailOnIssue(db: Pool | Tx): Promise<boolean> {
  return (await settings(db)).emailOnIssue;
}

/** The reminder levels (dunning); default 7, 21, 35 days without fees. An empty list turns reminders off. */
export async function reminderPolicy(db: Pool | Tx): Promise<readonly ReminderLevel[]> {
  return (await settings(db)).reminders ?? defaultReminderPolicy;
}
