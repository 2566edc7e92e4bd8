import { z } from 'zod';
import { currency, email, id, text } from '../../shared/schemas/common.js';
import { language, postalAddress, vatId } from '../../shared/schemas/parties.js';
import { companyProfile } from '../../shared/schemas/parties.js';

// The address is optional (a B2C sale needs none) but whole: a partial one is a 400 naming the field.
export const body = z
  .object({
    id: id.optional(),
    name: text(200),
    email: email.optional(),
    paymentTermsDays: z.number().int().min(0).max(365),
    address: postalAddress.optional(),
    vatId: vatId.optional(),
    language: language.optional(),
    currency: currency.optional(),
  })
  .strict();

/** The company profile (the seller), replaced whole by an admin: POST /function/upsert-customer/company. */
export const companyBody = companyProfile;
