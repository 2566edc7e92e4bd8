import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import { onOrderStatuses } from '../domain/purchase-order-lifecycle.js';
import type { supplierBody } from '../schemas/supplier.js';
import type { Tx } from '../db/pool.js';
import type { UnitOfWork } from '../unit-of-work.js';

/** Creates or replaces a supplier: every field as given, an omitted optional one cleared (as customers). */
export async function upsertSupplier(uow: UnitOfWork, input: z.output<typeof supplierBody>) {
  const supplier = {
    supplierId: input.id ?? uuidv7(),
    name: input.name,
    address: input.address ?? null,
    vatId: input.vatId ?? null,
    paymentTermsDays: input.paymentTermsDays,
    currency: input.currency,
    email: input.email ?? null,
  };
  if (input.id) await keepCurrencyWhileInUse(uow.tx, input.id, input.currency);
  const { rows } = await uow.tx.query<{ created: boolean }>(
    `insert into inventory.suppliers (id, name, address, vat_id, payment_terms_days, currency, email) values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (id) do update set name = excluded.name, address = excluded.address, vat_id = excluded.vat_id,
       payment_terms_days = excluded.payment_terms_days, currency = excluded.currency, email = excluded.email, updated_at = now()
     returning (xmax = 0) as created`,
    [
      supplier.supplierId,
      supplier.name,
      supplier.address && JSON.stringify(supplier.address),
      supplier.vatId,
      supplier.paymentTermsDays,
      supplier.currency,
      supplier.email,
    ],
  );
  uow.emit('supplier_upserted', supplier);
  return { ...supplier, created: rows[0]!.created };
}

/**
 * A supplier's currency is its purchase orders' and, with no exchange rates kept, the one its products are
 * priced in: it may change only while no purchase order is still open (draft, sent, partially received)
 * and no product that prefers it is priced in the old one. The row lock makes a purchase order or a
 * product that share-locks the supplier (shared/inventory/products.ts) wait for this to commit.
 */
async function keepCurrencyWhileInUse(tx: Tx, supplierId: string, currency: string) {
  const { rows } = await tx.query<{ currency: string }>('select currency from inventory.suppliers where id = $1 for update', [supplierId]);
  const stored = rows[0]?.currency;
  if (stored === undefined || stored === currency) return;
  const open = await tx.query<{ number: string }>(
    'select number from inventory.purchase_orders where supplier_id = $1 and status = any($2) order by number limit 20',
    [supplierId, onOrderStatuses],
  );
  if (open.rowCount) {
    throw new AppError('currency_mismatch', `the supplier's purchase orders still open are in ${stored}: receive or cancel them before changing its currency`, {
      path: 'currency',
      currency: stored,
      purchaseOrders: open.rows.map((r) => r.number),
    });
  }
  const products = await tx.query<{ sku: string }>(
    'select sku from inventory.products where preferred_supplier_id = $1 and currency <> $2 order by sku limit 20',
    [supplierId, currency],
  );
  if (products.rowCount) {
    throw new AppError('currency_mismatch', `products priced in ${stored} prefer this supplier: change or clear their preferred supplier first`, {
      path: 'currency',
      currency: stored,
      skus: products.rows.map((r) => r.sku),
    });
  }
}
