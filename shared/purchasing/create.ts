import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../errors.js';
import { maxOrderTotal } from '../domain/pricing.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { readPurchaseOrder } from './read.js';

export interface PurchaseOrderInput {
  supplierId: string;
  lines: { sku: string; quantity: number; unitCost: number }[];
  note?: string | undefined;
}

interface Supplier {
  id: string;
  name: string;
  currency: string;
}

/** The supplier, or 422 unknown_supplier; `lock`: its row held to the end of the transaction (a reorder: two at once do not order twice). */
export async function findSupplier(uow: UnitOfWork, supplierId: string, lock = false): Promise<Supplier> {
  const { rows } = await uow.tx.query<Supplier>(`select id, name, currency from inventory.suppliers where id = $1${lock ? ' for update' : ''}`, [supplierId]);
  if (!rows[0]) throw new AppError('unknown_supplier', `no supplier ${supplierId}`, { supplierId, path: 'supplierId' });
  return rows[0];
}

/**
 * A draft purchase order to one supplier, in its currency (docs/rules.md, "Purchase orders"). Every
 * product must exist and be priced in that currency: stock is valued in the product's currency and
 * erpbi keeps no exchange rates. Numbered PO-<6 digits> from the sequence; a rolled-back one leaves a gap.
 */
export async function createPurchaseOrder(uow: UnitOfWork, input: PurchaseOrderInput, supplier?: Supplier) {
  const skus = input.lines.map((l) => l.sku);
  const twice = skus.findIndex((s, i) => skus.indexOf(s) !== i);
  if (twice >= 0) throw new AppError('duplicate_line', 'each sku may appear on one line only', { skus: [skus[twice]], path: `lines.${twice}.sku` });
  const to = supplier ?? (await findSupplier(uow, input.supplierId));

  const { rows } = await uow.tx.query<{ sku: string; name: string; currency: string; supplier_sku: string | null }>(
    `select sku, name, currency, case when preferred_supplier_id = $2 then supplier_sku end as supplier_sku
     from inventory.product_catalogue where sku = any($1)`,
    [skus, to.id],
  );
  const products = new Map(rows.map((r) => [r.sku, r]));
  const unknown = skus.filter((s) => !products.has(s));
  if (unknown.length > 0) throw new AppError('unknown_sku', 'these skus do not exist', { skus: unknown, path: `lines.${skus.indexOf(unknown[0]!)}.sku` });
  const foreign = input.lines.findIndex((l) => products.get(l.sku)!.currency !== to.currency);
  if (foreign >= 0) {
    const sku = input.lines[foreign]!.sku;
    throw new AppError('currency_mismatch', `${sku} is priced in ${products.get(sku)!.currency}, the supplier bills in ${to.currency}`, {
      sku,
      currency: products.get(sku)!.currency,
      supplierCurrency: to.currency,
      path: `lines.${foreign}.sku`,
    });
  }
  const total = input.lines.reduce((s, l) => s + BigInt(l.quantity) * BigInt(l.unitCost), 0n);
  if (total > BigInt(maxOrderTotal))
    throw new AppError('amount_too_large', 'the purchase order total would exceed the largest amount taken', { max: maxOrderTotal });

  const id = uuidv7();
  const { rows: numbered } = await uow.tx.query<{ number: string }>(`select 'PO-' || lpad(nextval('inventory.purchase_order_number')::text, 6, '0') as number`);
  const number = numbered[0]!.number;
  await uow.tx.query(
    `insert into inventory.purchase_orders (id, number, supplier_id, status, currency, note, created_by, created_at, updated_at)
     values ($1, $2, $3, 'draft', $4, $5, $6, $7, $7)`,
    [id, number, to.id, to.currency, input.note ?? null, uow.cause.actor, uow.now],
  );
  const lines = input.lines.map((l, i) => ({
    lineNo: i + 1,
    sku: l.sku,
    name: products.get(l.sku)!.name,
    supplierSku: products.get(l.sku)!.supplier_sku,
    quantity: l.quantity,
    unitCost: l.unitCost,
  }));
  await uow.tx.query(
    `insert into inventory.purchase_order_lines (purchase_order_id, line_no, sku, supplier_sku, quantity, unit_cost)
     select $1, line_no, sku, supplier_sku, quantity, unit_cost from unnest($2::int[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
       as l(line_no, sku, supplier_sku, quantity, unit_cost)`,
    [id, lines.map((l) => l.lineNo), lines.map((l) => l.sku), lines.map((l) => l.supplierSku), lines.map((l) => l.quantity), lines.map((l) => l.unitCost)],
  );
  uow.emit('purchase_order_created', {
    purchaseOrderId: id,
    number,
    supplierId: to.id,
    supplierName: to.name,
    currency: to.currency,
    total: Number(total),
    lines,
    createdAt: uow.now.toISOString(),
  });
  return (await readPurchaseOrder(uow.tx, id))!;
}
