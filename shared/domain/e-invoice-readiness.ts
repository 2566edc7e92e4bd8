import type { PostalAddress } from './parties.js';

// What an EN 16931 invoice needs of its buyer that erpbi may lack: the postal address (BG-8: BT-50
// street, BT-53 postal code, BT-52 city, BT-55 country). Name (BT-44) is always kept. A customer
// without them can still buy (a B2C sale needs no address): the customer read names what is missing,
// so whoever bills a business is told before the e-invoice is refused.

/** The field paths, as in the customer body, an e-invoice to this buyer needs and it lacks ([] when none). */
export function missingForEInvoice(buyer: { address?: Partial<PostalAddress> | null | undefined }): string[] {
  const a = buyer.address ?? {};
  const missing: string[] = [];
  if (!a.lines?.some((l) => l.trim() !== '')) missing.push('address.lines');
  if (!a.postalCode?.trim()) missing.push('address.postalCode');
  if (!a.city?.trim()) missing.push('address.city');
  if (!a.country?.trim()) missing.push('address.country');
  return missing;
}
