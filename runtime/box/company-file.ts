import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { companyProfile, exampleCompany } from '../../shared/documents/company.js';

/**
 * The configured seller, from <data>/company.json: written with example values on the first start for
 * the owner to edit (read again at the next start), checked before any function starts. Printed on
 * invoices only while no admin has saved the Company screen (shared/documents/company.ts says why).
 * Returns the JSON the functions get as COMPANY_PROFILE.
 */
export function companyProfileFile(dir: string, say: (line: string) => void): string {
  const file = join(dir, 'company.json');
  if (!existsSync(file)) {
    writeFileSync(file, JSON.stringify(exampleCompany, null, 2) + '\n');
    say(`  wrote ${file}: your company's name, address, VAT id and bank details for invoices until an admin saves the Company screen (edit it, then restart)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = companyProfile.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  return JSON.stringify(parsed.data);
}
