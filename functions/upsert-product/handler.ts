import { commandRoles } from '../../shared/auth/permissions.js';
import { command, defineFunction } from '../../shared/http/definition.js';
import { upsertProduct } from '../../shared/inventory/products.js';
import { body } from './schema.js';

export default defineFunction({
  name: 'upsert-product',
  routes: [command({ roles: commandRoles['upsert-product'], body, idempotent: true, run: (uow, input) => upsertProduct(uow, input) })],
});
