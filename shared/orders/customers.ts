import { v7 as uuidv7 } from 'uuid';
import type { UnitOfWork } from '../unit-of-work.js';

export interface CustomerInput {
  id?: string | undefined;
  name: string;
  email?: string | undefined;
  paymentTermsDays: number;
}

export async function upsertCustomer(uow: UnitOfWork, input: CustomerInput) {
  const id = input.id ?? uuidv7();
  const { rows } = await uow.tx.query<{ created_at: Date; updated_at: Date }>(
    `insert into orders.customers (id, name, email, payment_terms_days) values ($1, $2, $3, $4)
     on conflict (id) do update set name = excluded.name, email = excluded.email,
       payment_terms_days = excluded.payment_terms_days, updated_at = now()
     returning created_at, updated_at`,
    [id, input.name, input.email ?? null, input.paymentTermsDays],
  );
  const customer = { id, name: input.name, email: input.email ?? null, paymentTermsDays: input.paymentTermsDays };
  uow.emit('customer_upserted', customer);
  return { ...customer, createdAt: rows[0]!.created_at.toISOString(), updatedAt: rows[0]!.updated_at.toISOString() };
}
