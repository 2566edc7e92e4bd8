import { commandRoles } from '../../shared/auth/permissions.js';
import { command, defineFunction } from '../../shared/http/definition.js';
import { receiveStock } from '../../shared/inventory/stock.js';
import { body } from './schema.js';

export default defineFunction({
  name: 'receive-stock',
  routes: [command({ roles: commandRoles['receive-stock'], body, idempotent: true, run: (uow, input) => receiveStock(uow, input) })],
});
