import type { Role } from './roles.js';

// Who may run each command: the functions enforce it, the workspace shows a button only to those who
// may press it. One table, so the screen and the server can never disagree.
export const commandRoles = {
  'upsert-product': ['admin'],
  'receive-stock': ['admin', 'clerk'],
  'upsert-customer': ['admin', 'clerk'],
  'create-order': ['admin', 'clerk'],
  'cancel-order': ['admin', 'clerk'],
  'fulfil-order': ['admin', 'clerk'],
  'record-payment': ['admin', 'accountant'],
  // A function's further commands are keyed by their route under /function/ (shared/http/definition.ts).
  'fulfil-order/return': ['admin', 'clerk'],
  // The seller on every invoice: the owner's, not a clerk's.
  'upsert-customer/company': ['admin'],
  'record-payment/credit-note': ['admin', 'accountant'],
  'record-payment/refund': ['admin', 'accountant'],
  'render-document/send': ['admin', 'accountant'],
  // A purchase order to its supplier: whoever buys (who may send the order) e-mails it, as billing's people do theirs.
  'render-document/send-purchase-order': ['admin', 'clerk'],
  // The reminder run: the schedule (the connector, as service) daily, the people who chase money on demand.
  'create-invoice/reminders': ['service', 'admin', 'accountant'],
  // Buying and stock control (docs/deploy-pi.md, "Fifteen functions"): hosted by the inventory
  // functions, which publish inventory's events. Suppliers and imports beside products; purchase orders,
  // receipts, adjustments and counts beside receiving. Who receives today (admin, clerk) buys and counts.
  'upsert-product/supplier': ['admin', 'clerk'],
  'upsert-product/import': ['admin'],
  'upsert-customer/import': ['admin'],
  'receive-stock/purchase-order': ['admin', 'clerk'],
  'receive-stock/purchase-order/send': ['admin', 'clerk'],
  'receive-stock/purchase-order/receive': ['admin', 'clerk'],
  'receive-stock/purchase-order/cancel': ['admin', 'clerk'],
  'receive-stock/reorder': ['admin', 'clerk'],
  'receive-stock/adjustment': ['admin', 'clerk'],
  'receive-stock/count': ['admin', 'clerk'],
  'hire-employee': ['admin'],
  'update-employee': ['admin'],
  'terminate-employee': ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type CommandName = keyof typeof commandRoles;

export function mayRun(roles: readonly string[], command: CommandName): boolean {
  return (commandRoles[command] as readonly string[]).some((r) => roles.includes(r));
}

// Who may read. Every read route names one of these (no route takes "any valid token"): a token of the
// realm with no erpbi role, or one of a machine client, reads nothing it was not meant to.
export const readRoles = {
  /** The ERP's records: orders, invoices and their PDFs, stock, products, customers, the staff directory, the live feed. */
  records: ['admin', 'accountant', 'clerk'],
  /** BI figures without pay; also Grafana's reader. */
  figures: ['admin', 'accountant', 'clerk', 'bi-reader'],
  /** Pay (payroll by department); also Grafana's payroll data source. */
  payroll: ['admin', 'bi-payroll'],
  /** The books: the journal, the trial balance, accounts receivable per customer (docs/ledger.md). */
  ledger: ['admin', 'accountant'],
} as const satisfies Record<string, readonly Role[]>;
