import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { supplierBody } from '../schemas/supplier.js';
import type { UnitOfWork } from '../unit-of-work.js';

/** Creates or replaces a supplier: every field as given, an omitted optional one cleared (as customers). */
export async function upsertSupplier(uow: UnitOfWork, input: z.output<typeof supplierBody>) {
  const supplier = {
    supplierId: input.id ?? uuidv7(), name: input.name, address: input.address ?? null, vatId: input.vatId ?? null,
    paymentTermsDays: input.paymentTermsDays, currency: input.currency, email: input.email ?? null,
  };
  const { rows } = await uow.tx.query<{ created: boolean }>(
    `insert into inventory.suppliers (id, name, address, vat_id, payment_terms_days, currency, email) values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (id) do update set name = excluded.name, address = excluded.address, vat_id = excluded.vat_id,
       payment_terms_days = excluded.payment_terms_days, currency = excluded.currency, email = excluded.email, updated_at = now()
     returning (xmax = 0) as created`,
    [supplier.supplierId, supplier.name, supplier.address && JSON.stringify(supplier.address), supplier.vatId, supplier.paymentTermsDays, supplier.currency, supplier.email],
  );
  uow.emit('supplier_upserted', supplier);
  return { ...supplier, created: rows[0]!.created };
}
