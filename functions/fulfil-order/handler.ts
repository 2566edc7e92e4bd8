import { commandRoles } from '../../shared/auth/permissions.js';
import { command, defineFunction } from '../../shared/http/definition.js';
import { fulfilOrder } from '../../shared/orders/order-commands.js';
import { recordReturn } from '../../shared/orders/returns.js';
import { body, returnBody } from './schema.js';

export default defineFunction({
  name: 'fulfil-order',
  routes: [
    command({ roles: commandRoles['fulfil-order'], body, idempotent: true, run: (uow, input) => fulfilOrder(uow, input) }),
    // Returns come after fulfilment and are the same people's job (faasd CE's 15-function cap: no new function).
    command({
      path: '/return',
      roles: commandRoles['fulfil-order/return'],
      body: returnBody,
      idempotent: true,
      successStatus: 201,
      run: (uow, input) => recordReturn(uow, input),
    }),
  ],
});
