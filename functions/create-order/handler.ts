import { commandRoles } from '../../shared/auth/permissions.js';
import { command, defineFunction } from '../../shared/http/definition.js';
import { createOrder } from '../../shared/orders/create-order.js';
import { body } from './schema.js';

export default defineFunction({
  name: 'create-order',
  routes: [command({ roles: commandRoles['create-order'], body, idempotent: true, successStatus: 201, run: (uow, input) => createOrder(uow, input) })],
});
