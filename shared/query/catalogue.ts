import type { Pool } from '../db/pool.js';

export async function listStock(db: Pool) {
  const { rows } = await db.query('select sku, name, on_hand as "onHand", reserved, available from inventory.stock_view order by sku');
  return { items: rows };
}

export async function listProducts(db: Pool) {
  const { rows } = await db.query(
    'select sku, name, unit_price as "unitPrice", currency, tax_rate_bp as "taxRateBp" from inventory.product_catalogue order by sku',
  );
  return { items: rows };
}

export async function listCustomers(db: Pool) {
  const { rows } = await db.query(
    'select id, name, email, payment_terms_days as "paymentTermsDays" from orders.customer_directory order by name, id',
  );
  return { items: rows };
}
