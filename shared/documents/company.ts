import { z } from 'zod';
import { secret } from '../config.js';
import type { Pool, Tx } from '../db/pool.js';
import { defaultReminderPolicy, policyProblem, type ReminderLevel } from '../domain/reminders.js';

// The seller on every invoice and credit note. One JSON document, from the secret `company-profile`
// (faasd and compose mount it as a file) or the COMPANY_PROFILE variable (npm start passes
// data/company.json, read at start). Checked when a document is rendered: a bad profile is a failed
// render (retried), never a wrong document.
export const companyProfile = z
  .object({
    name: z.string().min(1).max(200),
    address: z.array(z.string().min(1).max(200)).min(1).max(6),
    vatId: z.string().min(1).max(40).optional(),
    email: z.string().email().optional(),
    phone: z.string().min(1).max(40).optional(),
    bank: z.object({ name: z.string().min(1).max(100).optional(), iban: z.string().min(1).max(40), bic: z.string().min(1).max(20).optional() }).strict().optional(),
    /** E-mail each invoice and credit note to the customer as soon as its PDF is rendered (shared/billing/deliveries.ts). */
    emailOnIssue: z.boolean().default(false),
    /** Dunning levels (shared/domain/reminders.ts, docs/rules.md "Reminders"); fees in minor units of the
     *  invoice's currency, `feeByCurrency` for a fee that differs per currency. Default: 7, 21, 35 days, no fees. */
    reminders: z
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
      })
      .optional(),
  })
  .strict();
export type CompanyProfile = z.infer<typeof companyProfile>;

/** What `npm start` writes to data/company.json the first time, for the owner to edit. */
export const exampleCompany: CompanyProfile = {
  name: 'Your Company Ltd',
  address: ['1 Example Street', '12345 Example Town'],
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

/** Whether documents go to the customer by e-mail as they are issued. The one place the setting is read:
 *  when the profile moves into Postgres, this is what changes (hence the database and the promise). */
export async function emailOnIssue(_db: Pool | Tx): Promise<boolean> {
  return readCompanyProfile().emailOnIssue;
}

/** The reminder levels (dunning), read like `emailOnIssue`: the one place, so the profile's move into
 *  Postgres changes only this. An empty list turns reminders off. */
export async function reminderPolicy(_db: Pool | Tx): Promise<readonly ReminderLevel[]> {
  return readCompanyProfile().reminders ?? defaultReminderPolicy;
}
