// A purchase order's lifecycle as data, like the order's (shared/domain/order-lifecycle.ts): every move,
// from which statuses, and the command that makes it. The commands, the projector and docs/rules.md
// ("Purchase orders") read this table.
//
// A draft is changed freely and sent once; goods are received only against a sent order, in parts
// (partially_received) until every line is in (received). Cancelling ends an order that is not fully
// received: what came in stays in stock, the rest is no longer on order. received and cancelled are final.

/** The one list: events, reads, screens derive from it; inventory.purchase_orders' CHECK is held equal to it
 *  (tests/integration/status-constraints.test.ts): a change here needs a migration. */
export const purchaseOrderStatuses = ['draft', 'sent', 'partially_received', 'received', 'cancelled'] as const;
export type PurchaseOrderStatus = (typeof purchaseOrderStatuses)[number];

export type PurchaseOrderCommand = 'send' | 'receive' | 'cancel';

export interface PurchaseOrderMove {
  to: PurchaseOrderStatus;
  from: readonly PurchaseOrderStatus[];
  /** The command (a route under receive-stock/purchase-order) that makes the move. */
  command: PurchaseOrderCommand;
  /** receive: the move taken when lines remain open after the receipt (partially_received) or none do (received). */
  when?: 'lines_open' | 'all_received';
}

export const purchaseOrderLifecycle: readonly PurchaseOrderMove[] = [
  { to: 'sent', from: ['draft'], command: 'send' },
  { to: 'partially_received', from: ['sent', 'partially_received'], command: 'receive', when: 'lines_open' },
  { to: 'received', from: ['sent', 'partially_received'], command: 'receive', when: 'all_received' },
  { to: 'cancelled', from: ['draft', 'sent', 'partially_received'], command: 'cancel' },
];

export type PurchaseOrderStep = { ok: true; to: PurchaseOrderStatus } | { ok: false; code: 'invalid_transition'; message: string };

/** Where `command` takes an order in status `from` (for receive: given whether lines stay open), or why it may not. */
export function purchaseOrderStep(from: PurchaseOrderStatus, command: PurchaseOrderCommand, linesOpen = false): PurchaseOrderStep {
  const moves = purchaseOrderLifecycle.filter((m) => m.command === command);
  const move = moves.find((m) => m.from.includes(from) && (m.when === undefined || m.when === (linesOpen ? 'lines_open' : 'all_received')));
  if (move) return { ok: true, to: move.to };
  const allowed = [...new Set(moves.flatMap((m) => m.from))].join(', ');
  return {
    ok: false,
    code: 'invalid_transition',
    message: `a ${from} purchase order cannot be ${command === 'send' ? 'sent' : command === 'receive' ? 'received against' : 'cancelled'} (only ${allowed})`,
  };
}

/** Statuses whose open quantities count as on order (stock on order, reorder suggestions). inventory.stock_view's
 *  on_order lists them too, held equal by tests/integration/status-constraints.test.ts: a change needs a migration. */
export const onOrderStatuses: readonly PurchaseOrderStatus[] = ['draft', 'sent', 'partially_received'];
