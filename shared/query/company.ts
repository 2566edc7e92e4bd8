import { storedCompanyProfile } from '../orders/company-profile.js';
import type { Pool } from '../db/pool.js';

/** The stored company profile for the Company screen; `profile: null` while none was saved (documents
 *  then print the configured one, which this read-only function does not see). */
export async function companyProfileRead(db: Pool) {
  return (await storedCompanyProfile(db)) ?? { profile: null, updatedAt: null, updatedBy: null };
}
