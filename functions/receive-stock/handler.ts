import { commandRoles } from '../../shared/auth/permissions.js';
import { command, defineFunction } from '../../shared/http/definition.js';
import { receiveStock } from '../../shared/inventory/stock.js';
import { adjustStock } from '../../shared/inventory/adjustments.js';
import { countStock } from '../../shared/inventory/counts.js';
import { adjustmentBody, body, countBody } from './schema.js';

export default defineFunction({
  name: 'receive-stock',
  routes: [
    command({ roles: commandRoles['receive-stock'], body, idempotent: true, run: (uow, input) => receiveStock(uow, input) }),
    // Corrections of on-hand live beside receiving (faasd CE's 15-function cap: docs/deploy-pi.md, "Fifteen functions").
    command({ path: '/adjustment', roles: commandRoles['receive-stock/adjustment'], body: adjustmentBody, idempotent: true, run: (uow, input) => adjustStock(uow, input) }),
    command({ path: '/count', roles: commandRoles['receive-stock/count'], body: countBody, idempotent: true, run: (uow, input) => countStock(uow, input) }),
  ],
});
