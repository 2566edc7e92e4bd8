import { commandRoles } from '../../shared/auth/permissions.js';
import { command, defineFunction } from '../../shared/http/definition.js';
import { fulfilOrder } from '../../shared/orders/order-commands.js';
import { body } from './schema.js';

export default defineFunction({
  name: 'fulfil-order',
  routes: [command({ roles: commandRoles['fulfil-order'], body, idempotent: true, run: (uow, input) => fulfilOrder(uow, input) })],
});
