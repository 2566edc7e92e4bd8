import { commandRoles } from '../../shared/auth/permissions.js';
import { command, defineFunction, mount } from '../../shared/http/definition.js';
import { importMount } from '../../shared/import/routes.js';
import { inventoryWriters } from '../../shared/import/write-inventory.js';
import { upsertProduct } from '../../shared/inventory/products.js';
import { upsertSupplier } from '../../shared/inventory/suppliers.js';
import { body, supplierBody } from './schema.js';

// Inventory's master data: products, and at /supplier the suppliers they are bought from (faasd CE's
// 15 functions leave no room for a function of their own).
export default defineFunction({
  name: 'upsert-product',
  routes: [
    command({ roles: commandRoles['upsert-product'], body, idempotent: true, run: (uow, input) => upsertProduct(uow, input) }),
    command({
      path: '/supplier',
      roles: commandRoles['upsert-product/supplier'],
      body: supplierBody,
      idempotent: true,
      run: (uow, input) => upsertSupplier(uow, input),
    }),
    // Moving in: products (with opening stock) and suppliers from CSV (shared/import/).
    mount(importMount('upsert-product', commandRoles['upsert-product/import'], inventoryWriters)),
  ],
});
