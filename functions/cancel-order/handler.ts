import { commandRoles } from '../../shared/auth/permissions.js';
import { command, defineFunction } from '../../shared/http/definition.js';
import { cancelOrder } from '../../shared/orders/order-commands.js';
import { body } from './schema.js';

export default defineFunction({
  name: 'cancel-order',
  routes: [command({ roles: commandRoles['cancel-order'], body, idempotent: true, run: (uow, input) => cancelOrder(uow, input) })],
});
