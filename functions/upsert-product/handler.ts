import { commandRoles } from '../../shared/auth/permissions.js';
import { command, defineFunction, mount } from '../../shared/http/definition.js';
import { importMount } from '../../shared/import/routes.js';
import { upsertProduct } from '../../shared/inventory/products.js';
import { body } from './schema.js';

export default defineFunction({
  name: 'upsert-product',
  routes: [
    command({ roles: commandRoles['upsert-product'], body, idempotent: true, run: (uow, input) => upsertProduct(uow, input) }),
    // Moving in: products (with opening stock) and suppliers from CSV (shared/import/).
    mount(importMount('upsert-product', commandRoles['upsert-product/import'])),
  ],
});
