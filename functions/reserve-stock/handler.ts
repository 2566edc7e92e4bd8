import { defineFunction, reaction } from '../../shared/http/definition.js';
import { releaseForOrder, reserveForOrder, restockReturn, shipForOrder } from '../../shared/inventory/reservations.js';

// Inventory's side of the order lifecycle; its input is the event envelope, validated by the contract.
export default defineFunction({
  name: 'reserve-stock',
  routes: [
    reaction({ on: { order_created: reserveForOrder, order_cancelled: releaseForOrder, order_fulfilled: shipForOrder, goods_returned: restockReturn } }),
  ],
});
