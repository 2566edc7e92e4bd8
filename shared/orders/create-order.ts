import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../errors.js';
import { exceedsMaxTotal, maxOrderTotal, priceLine, totalsOf, type PricedProduct } from '../domain/pricing.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { vatCategory } from '../domain/vat-category.js';
import type { EventData } from '../events/registry.js';

export interface CreateOrderInput {
  customerId: string;
  lines: { sku: string; quantity: number }[];
}

export async function createOrder(uow: UnitOfWork, input: CreateOrderInput) {
  const skus = input.lines.map((l) => l.sku);
  const repeated = skus.filter((s, i) => skus.indexOf(s) !== i);
  if (repeated.length > 0)
    throw new AppError('duplicate_line', 'each sku may appear on one line only', {
      skus: [...new Set(repeated)],
      path: `lines.${skus.findIndex((s, i) => skus.indexOf(s) !== i)}.sku`,
    });

  const customer = (
    await uow.tx.query<{ id: string; name: string; payment_terms_days: number; country: string | null; vat_id: string | null }>(
      `select id, name, payment_terms_days, address->>'country' as country, vat_id from orders.customer_directory where id = $1`,
      [input.customerId],
    )
  ).rows[0];
  if (!customer) throw new AppError('unknown_customer', `no customer ${input.customerId}`, { customerId: input.customerId, path: 'customerId' });

  // Prices come from inventory's published catalogue and are snapshotted on the lines.
  const { rows } = await uow.tx.query<{
    sku: string;
    name: string;
    unit_price: number;
    currency: string;
    tax_rate_bp: number;
    vat_exemption_reason: string | null;
  }>('select sku, name, unit_price, currency, tax_rate_bp, vat_exemption_reason from inventory.product_catalogue where sku = any($1)', [skus]);
  // An exempt product's reason decides its lines' category (E) before any cross-border rule does.
  const exemptions = new Map(rows.map((r) => [r.sku, r.vat_exemption_reason ?? undefined]));
  const catalogue = new Map<string, PricedProduct>(
    rows.map((r) => [r.sku, { sku: r.sku, name: r.name, unitPrice: r.unit_price, currency: r.currency, taxRateBp: r.tax_rate_bp }]),
  );
  const unknown = skus.filter((s) => !catalogue.has(s));
  if (unknown.length > 0) throw new AppError('unknown_sku', 'these skus do not exist', { skus: unknown, path: `lines.${skus.indexOf(unknown[0]!)}.sku` });
  const currencies = new Set(rows.map((r) => r.currency));
  if (currencies.size > 1) throw new AppError('mixed_currencies', 'all lines of an order must share a currency', { currencies: [...currencies] });

  if (exceedsMaxTotal(input.lines.map((l) => ({ ...catalogue.get(l.sku)!, quantity: l.quantity })))) {
    throw new AppError('amount_too_large', 'the order total would exceed the largest amount taken', { max: maxOrderTotal });
  }
  // Each line's VAT category decides the rate charged (reverse charge and export: none), so the order's
  // total, its invoice and its events agree. The seller's country is the stored company profile's.
  const { rows: seller } = await uow.tx.query<{ country: string | null }>(
    `select profile->'address'->>'country' as country from billing.company_profile where id = 1`,
  );
  const lines = input.lines.map((l) => {
    const product = catalogue.get(l.sku)!;
    const t = vatCategory({
      sellerCountry: seller[0]?.country ?? undefined,
      buyerCountry: customer.country ?? undefined,
      buyerVatId: customer.vat_id ?? undefined,
      rateBp: product.taxRateBp,
      exemptionReason: exemptions.get(l.sku),
    });
    return {
      ...priceLine({ ...product, taxRateBp: t.rateBp }, l.quantity),
      vatCategory: t.category,
      ...(t.exemptionReason ? { exemptionReason: t.exemptionReason } : {}),
    };
  });
  const totals = totalsOf(lines, rows[0]!.currency);
  const id = uuidv7();
  await uow.tx.query(
    `insert into orders.orders (id, customer_id, status, currency, subtotal, tax, total, created_at, updated_at)
     values ($1, $2, 'pending', $3, $4, $5, $6, $7, $7)`,
    [id, customer.id, totals.currency, totals.subtotal, totals.tax, totals.total, uow.now],
  );
  await uow.tx.query(
    `insert into orders.order_lines (order_id, line_no, sku, name, quantity, unit_price, tax_rate_bp, net, tax, vat_category, exemption_reason)
     select $1, n, sku, name, quantity, unit_price, tax_rate_bp, net, tax, vat_category, exemption_reason
     from unnest($2::text[], $3::text[], $4::int[], $5::bigint[], $6::int[], $7::bigint[], $8::bigint[], $9::text[], $10::text[])
       with ordinality as l(sku, name, quantity, unit_price, tax_rate_bp, net, tax, vat_category, exemption_reason, n)`,
    [
      id,
      lines.map((l) => l.sku),
      lines.map((l) => l.name),
      lines.map((l) => l.quantity),
      lines.map((l) => l.unitPrice),
      lines.map((l) => l.taxRateBp),
      lines.map((l) => l.net),
      lines.map((l) => l.tax),
      lines.map((l) => l.vatCategory),
      lines.map((l) => l.exemptionReason ?? null),
    ],
  );
  await uow.tx.query(`insert into orders.status_history (order_id, status, cause) values ($1, 'pending', 'created')`, [id]);
  const snapshot: EventData<'order_created'> = {
    orderId: id,
    customerId: customer.id,
    customerName: customer.name,
    paymentTermsDays: customer.payment_terms_days,
    ...totals,
    lines,
    createdAt: uow.now.toISOString(),
  };
  uow.emit('order_created', snapshot);
  return { id, status: 'pending' as const, ...totals };
}
