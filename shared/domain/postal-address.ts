import type { PostalAddress } from './parties.js';

/** An address as printed on a document or shown on a page: street lines, "postal code city", the country's English name. */
export function addressLines(address: PostalAddress | null | undefined): string[] {
  if (!address) return [];
  const country = new Intl.DisplayNames(['en'], { type: 'region' }).of(address.country) ?? address.country;
  return [...address.lines, `${address.postalCode} ${address.city}`, country];
}
