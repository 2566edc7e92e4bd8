import { command, defineFunction } from '../../shared/http/definition.js';
import { upsertProduct } from '../../shared/inventory/products.js';
import { body } from './schema.js';

export default defineFunction({
  name: 'upsert-product',
  routes: [command({ roles: ['admin'], body, idempotent: true, run: (uow, input) => upsertProduct(uow, input) })],
});
