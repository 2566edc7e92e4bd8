import { commandRoles } from '../../shared/auth/permissions.js';
import { command, defineFunction } from '../../shared/http/definition.js';
import { upsertCustomer } from '../../shared/orders/customers.js';
import { body } from './schema.js';

export default defineFunction({
  name: 'upsert-customer',
  routes: [command({ roles: commandRoles['upsert-customer'], body, idempotent: true, run: (uow, input) => upsertCustomer(uow, input) })],
});
