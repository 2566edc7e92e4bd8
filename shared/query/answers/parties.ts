import { z } from 'zod';
import { companyProfile } from '../../schemas/parties.js';
import { address, count, currencyCode, instant, money, page } from './common.js';

// Customers, suppliers and the company profile (shared/query/customers.ts, suppliers.ts, company.ts).

export const customer = z.strictObject({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  paymentTermsDays: count,
  address: address.nullable(),
  vatId: z.string().nullable(),
  language: z.string().nullable(),
  currency: currencyCode.nullable(),
  /** Field paths an e-invoice to this customer needs and it lacks (shared/domain/e-invoice-readiness.ts). */
  missingForEInvoice: z.array(z.string()),
});
export const customerPage = page(customer);

/** One customer with what it owes: the balance of its payable invoices, per currency. */
export const customerDetail = customer.extend({
  createdAt: instant,
  updatedAt: instant,
  openBalances: z.array(z.strictObject({ currency: currencyCode, balance: money, invoices: count })),
});

export const supplier = z.strictObject({
  id: z.string(),
  name: z.string(),
  address: address.nullable(),
  vatId: z.string().nullable(),
  paymentTermsDays: count,
  /** What the supplier bills in: its purchase orders are in it. */
  currency: currencyCode,
  email: z.string().nullable(),
  createdAt: instant,
  updatedAt: instant,
});
export const supplierPage = page(supplier);

/** The stored company profile; all null while none was saved (documents then print the configured one). */
export const storedCompany = z.strictObject({ profile: companyProfile.nullable(), updatedAt: instant.nullable(), updatedBy: z.string().nullable() });
