import { inflowValue } from '../domain/stock-cost.js';
import { upsertProduct } from '../inventory/products.js';
import { lockLevels, moveStock } from '../inventory/stock.js';
import { upsertSupplier } from '../inventory/suppliers.js';
import type { Writers } from './run.js';

// What an import into upsert-product writes: products, with their opening stock at cost (Inventory
// against owner's equity: docs/ledger.md), and suppliers. Only a product with no stock movement yet gets
// opening stock (match.ts decides), so importing the same file again adds none.
export const inventoryWriters: Writers = {
  products: async (uow, p) => {
    if (p.action !== 'unchanged') await upsertProduct(uow, p.row.body);
    const quantity = p.row.extra.openingStock ?? 0;
    if (!p.openingStock || quantity <= 0) return;
    const unitCost = p.row.extra.unitCost ?? 0;
    const level = (await lockLevels(uow.tx, [{ sku: p.row.body.sku, quantity }])).get(p.row.body.sku)!;
    await moveStock(uow, level, {
      kind: 'receipt',
      reason: 'opening',
      onHandDelta: quantity,
      reservedDelta: 0,
      valueDelta: inflowValue(quantity, unitCost),
      unitCost,
      note: 'opening stock (import)',
    });
  },
  suppliers: (uow, p) => upsertSupplier(uow, { ...p.row.body, id: p.id ?? p.row.body.id }),
};
