import { purchaseOrder, purchaseReceipt } from '../../shared/query/answers/purchase-orders.js';
import { commandRoles } from '../../shared/auth/permissions.js';
import { command, defineFunction } from '../../shared/http/definition.js';
import { receiveStock } from '../../shared/inventory/stock.js';
import { createPurchaseOrder } from '../../shared/purchasing/create.js';
import { cancelPurchaseOrder, sendPurchaseOrder } from '../../shared/purchasing/status.js';
import { receivePurchaseOrder } from '../../shared/purchasing/receive.js';
import { reorderFromSuggestions } from '../../shared/purchasing/reorder.js';
import { reorderSuggestions } from '../../shared/inventory/reorder.js';
import { adjustStock } from '../../shared/inventory/adjustments.js';
import { countStock } from '../../shared/inventory/counts.js';
import { adjustmentBody, body, cancelBody, countBody, purchaseOrderBody, receiptBody, reorderBody, sendBody } from './schema.js';

// Receiving, and buying beside it (faasd CE's 15 functions: docs/deploy-pi.md): purchase orders and the
// goods received against them are sub-paths of this function, which publishes inventory's events.
export default defineFunction({
  name: 'receive-stock',
  routes: [
    command({ roles: commandRoles['receive-stock'], body, idempotent: true, run: (uow, input) => receiveStock(uow, input) }),
    command({
      path: '/purchase-order',
      roles: commandRoles['receive-stock/purchase-order'],
      body: purchaseOrderBody,
      idempotent: true,
      successStatus: 201,
      answer: purchaseOrder,
      run: (uow, input) => createPurchaseOrder(uow, input),
    }),
    command({
      path: '/purchase-order/send',
      roles: commandRoles['receive-stock/purchase-order/send'],
      body: sendBody,
      idempotent: true,
      answer: purchaseOrder,
      run: (uow, input) => sendPurchaseOrder(uow, input),
    }),
    command({
      path: '/purchase-order/receive',
      roles: commandRoles['receive-stock/purchase-order/receive'],
      body: receiptBody,
      idempotent: true,
      answer: purchaseReceipt,
      run: (uow, input) => receivePurchaseOrder(uow, input),
    }),
    command({
      path: '/reorder',
      roles: commandRoles['receive-stock/reorder'],
      body: reorderBody,
      idempotent: true,
      successStatus: 201,
      answer: purchaseOrder,
      run: (uow, input) => reorderFromSuggestions(uow, input, reorderSuggestions),
    }),
    command({
      path: '/purchase-order/cancel',
      roles: commandRoles['receive-stock/purchase-order/cancel'],
      body: cancelBody,
      idempotent: true,
      answer: purchaseOrder,
      run: (uow, input) => cancelPurchaseOrder(uow, input),
    }),
    // Corrections of on-hand live beside receiving (faasd CE's 15-function cap: docs/deploy-pi.md, "Fifteen functions").
    command({
      path: '/adjustment',
      roles: commandRoles['receive-stock/adjustment'],
      body: adjustmentBody,
      idempotent: true,
      run: (uow, input) => adjustStock(uow, input),
    }),
    command({ path: '/count', roles: commandRoles['receive-stock/count'], body: countBody, idempotent: true, run: (uow, input) => countStock(uow, input) }),
  ],
});
