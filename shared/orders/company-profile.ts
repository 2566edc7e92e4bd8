import type { Pool, Tx } from '../db/pool.js';
import { companyProfile, type CompanyProfile } from '../schemas/parties.js';
import type { UnitOfWork } from '../unit-of-work.js';

// The seller as the admin keeps it: billing.company_profile, one row (migration 010), saved by
// upsert-customer beside the customers (master data: the orders domain's event, company_profile_updated). Empty on an
// install from before it: documents then take the configured profile (shared/documents/company.ts says
// why it is not copied in). Each invoice freezes what is here when it is issued (shared/billing/invoicing.ts).

/** The stored profile, or undefined while none was saved. A row that no longer passes the checks is a
 *  500 (our bug or a hand edit), never a half-read seller on an invoice. */
export async function storedCompanyProfile(db: Pool | Tx): Promise<{ profile: CompanyProfile; updatedAt: string; updatedBy: string | null } | undefined> {
  const { rows } = await db.query<{ profile: unknown; updated_at: Date; updated_by: string | null }>(
    'select profile, updated_at, updated_by from billing.company_profile where id = 1',
  );
  const row = rows[0];
  return row && { profile: companyProfile.parse(row.profile), updatedAt: row.updated_at.toISOString(), updatedBy: row.updated_by };
}

/** upsert-customer/company: the profile replaced whole (checked at the edge); invoices already issued keep theirs. */
export async function updateCompanyProfile(uow: UnitOfWork, profile: CompanyProfile, actor: string) {
  await uow.tx.query(
    `insert into billing.company_profile (id, profile, updated_at, updated_by) values (1, $1, $2, $3)
     on conflict (id) do update set profile = excluded.profile, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    [JSON.stringify(profile), uow.now, actor],
  );
  uow.emit('company_profile_updated', { ...profile, updatedAt: uow.now.toISOString() });
  return { ...profile, updatedAt: uow.now.toISOString(), updatedBy: actor };
}
