import { upsertCustomer } from '../orders/customers.js';
import type { Writers } from './run.js';

// What an import into upsert-customer writes: customers, matched to a stored one by id, else name and postal code (match.ts).
export const customerWriters: Writers = {
  customers: (uow, p) => upsertCustomer(uow, { ...p.row.body, id: p.id ?? p.row.body.id }),
};
