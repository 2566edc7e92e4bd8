import { z } from 'zod';
import { currency, email, id, text } from './common.js';
import { postalAddress, vatId } from './parties.js';

// A supplier as entered (POST /function/upsert-product/supplier, and each row of a supplier import):
// like a customer, the address optional but whole, the VAT id checked for its country.
// `currency` is what the supplier bills in: its purchase orders are in it.
export const supplierBody = z
  .object({
    id: id.optional(),
    name: text(200),
    address: postalAddress.optional(),
    vatId: vatId.optional(),
    paymentTermsDays: z.number().int().min(0).max(365).default(30),
    currency,
    email: email.optional(),
  })
  .strict();
export type SupplierInput = z.input<typeof supplierBody>;
