// The parties of a sale as EN 16931 needs them: who sells, who buys, where, and under which VAT regime.
// Types only here; their checks (country codes, VAT id formats, IBAN) are in shared/schemas/parties.ts.

/** A postal address (EN 16931 BG-5 / BG-8): up to three street lines, postal code, city, ISO 3166-1 alpha-2 country. */
export interface PostalAddress {
  lines: string[];
  postalCode: string;
  city: string;
  country: string;
}

/**
 * EN 16931 VAT category codes (UNCL5305, BT-151) that erpbi issues:
 * S standard rate, Z zero rated, E exempt (with a reason), AE reverse charge (EU business buyer with a
 * VAT id in another member state), G export outside the EU. orders.order_lines.vat_category's CHECK is
 * held equal to this (tests/integration/status-constraints.test.ts): a change here needs a migration.
 */
export const vatCategoryCodes = ['S', 'Z', 'E', 'AE', 'G'] as const;
export type VatCategoryCode = (typeof vatCategoryCodes)[number];
