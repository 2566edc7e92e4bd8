import { v7 as uuidv7 } from 'uuid';
import type { PostalAddress } from '../domain/parties.js';
import { missingForEInvoice } from '../domain/e-invoice-readiness.js';
import type { UnitOfWork } from '../unit-of-work.js';

export interface CustomerInput {
  id?: string | undefined;
  name: string;
  email?: string | undefined;
  paymentTermsDays: number;
  /** Billing address, whole or absent (checked at the edge, shared/schemas/parties.ts). */
  address?: PostalAddress | undefined;
  vatId?: string | undefined;
  language?: string | undefined;
  currency?: string | undefined;
}

/** Creates or replaces a customer: every field as given, an omitted optional one cleared. */
export async function upsertCustomer(uow: UnitOfWork, input: CustomerInput) {
  const id = input.id ?? uuidv7();
  const customer = {
    id,
    name: input.name,
    email: input.email ?? null,
    paymentTermsDays: input.paymentTermsDays,
    address: input.address ?? null,
    vatId: input.vatId ?? null,
    language: input.language ?? null,
    currency: input.currency ?? null,
  };
  const { rows } = await uow.tx.query<{ created_at: Date; updated_at: Date }>(
    `insert into orders.customers (id, name, email, payment_terms_days, address, vat_id, language, currency) values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (id) do update set name = excluded.name, email = excluded.email,
       payment_terms_days = excluded.payment_terms_days, address = excluded.address, vat_id = excluded.vat_id,
       language = excluded.language, currency = excluded.currency, updated_at = now()
     returning created_at, updated_at`,
    [
      id,
      customer.name,
      customer.email,
      customer.paymentTermsDays,
      customer.address && JSON.stringify(customer.address),
      customer.vatId,
      customer.language,
      customer.currency,
    ],
  );
  uow.emit('customer_upserted', customer);
  return {
    ...customer,
    missingForEInvoice: missingForEInvoice(customer),
    createdAt: rows[0]!.created_at.toISOString(),
    updatedAt: rows[0]!.updated_at.toISOString(),
  };
}
