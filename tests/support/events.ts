import { envelope, type Causation, type Envelope } from '../../shared/events/envelope.js';
import type { EventData, EventType } from '../../shared/events/registry.js';

// One valid example of every event type's data (checked against the registry by
// shared/events/registry.test.ts), so a test names only the fields it is about.

const line = { sku: 'A', name: 'Apple', quantity: 2, unitPrice: 500, taxRateBp: 2000, net: 1000, tax: 200 };
const order = {
  orderId: 'o1', customerId: 'c1', customerName: 'Ada', paymentTermsDays: 30, currency: 'EUR', subtotal: 1000, tax: 200, total: 1200,
  lines: [line], createdAt: '2026-11-25T09:00:00.000Z',
};
const employee = {
  employeeId: 'e1', version: 1, name: 'Grace', email: 'grace@example.com', department: 'Sales', title: 'Lead', salary: 400_000, currency: 'EUR',
  hiredAt: '2026-01-01', terminatedAt: null, status: 'active' as const,
};

export const sampleData: { [K in EventType]: EventData<K> } = {
  order_created: order,
  order_rejected: { orderId: 'o1', customerId: 'c1', reason: 'insufficient stock', shortages: [{ sku: 'A', requested: 2, available: 1 }] },
  order_cancelled: { orderId: 'o1', customerId: 'c1', previousStatus: 'reserved', reason: null, invoiceId: null },
  order_fulfilled: { orderId: 'o1', customerId: 'c1' },
  order_status_changed: { orderId: 'o1', customerId: 'c1', from: 'pending', to: 'reserved', cause: 'stock_reserved', currency: 'EUR', total: 1200 },
  goods_returned: {
    returnId: 'rt1', orderId: 'o1', customerId: 'c1', returnedAt: '2026-11-27T09:00:00.000Z',
    lines: [{ lineNo: 1, sku: 'A', name: 'Apple', quantity: 1, reason: 'damaged', disposition: 'restock' }],
  },
  customer_upserted: { id: 'c1', name: 'Ada', email: null, paymentTermsDays: 30 },
  company_profile_updated: {
    name: 'Kaffeerösterei GmbH', address: { lines: ['Hauptstraße 5'], postalCode: '10115', city: 'Berlin', country: 'DE' }, vatId: 'DE136695976',
    bank: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' }, emailOnIssue: false, updatedAt: '2026-11-25T09:00:00.000Z',
  },
  stock_reserved: order,
  stock_reservation_failed: { orderId: 'o1', shortages: [{ sku: 'A', requested: 2, available: 1 }] },
  stock_released: { orderId: 'o1', lines: [{ sku: 'A', quantity: 2 }] },
  stock_changed: { sku: 'A', name: 'Apple', onHand: 10, reserved: 2, available: 8, reason: 'reservation', orderId: 'o1', movementId: 1 },
  product_upserted: { sku: 'A', name: 'Apple', unitPrice: 500, currency: 'EUR', taxRateBp: 2000, reorderLevel: 0 },
  supplier_upserted: {
    supplierId: 's1', name: 'Bohnen Import AG', address: { lines: ['Kaiserkai 1'], postalCode: '20457', city: 'Hamburg', country: 'DE' }, vatId: null,
    paymentTermsDays: 30, currency: 'EUR', email: 'orders@bohnen.example',
  },
  purchase_order_created: {
    purchaseOrderId: 'po1', number: 'PO-000001', supplierId: 's1', supplierName: 'Bohnen Import AG', currency: 'EUR', total: 3000,
    lines: [{ lineNo: 1, sku: 'A', name: 'Apple', supplierSku: null, quantity: 10, unitCost: 300 }], createdAt: '2026-11-25T09:00:00.000Z',
  },
  purchase_order_sent: { purchaseOrderId: 'po1', number: 'PO-000001', supplierId: 's1', sentAt: '2026-11-25T10:00:00.000Z' },
  purchase_order_cancelled: { purchaseOrderId: 'po1', number: 'PO-000001', supplierId: 's1', previousStatus: 'sent', cancelledAt: '2026-11-26T10:00:00.000Z' },
  goods_received: {
    receiptId: 'gr1', purchaseOrderId: 'po1', supplierId: 's1', currency: 'EUR', lines: [{ lineNo: 1, sku: 'A', quantity: 4, unitCost: 300, value: 1200 }],
    purchaseOrderStatus: 'partially_received', receivedAt: '2026-11-27T09:00:00.000Z',
  },
  stock_adjusted: {
    sku: 'A', quantityDelta: -1, reason: 'damage', valueDelta: -300, currency: 'EUR', countId: null, note: 'dropped', movementId: 2, adjustedAt: '2026-11-28T09:00:00.000Z',
  },
  invoice_created: {
    invoiceId: 'i1', number: 'INV-2026-000001', orderId: 'o1', customerId: 'c1', customerName: 'Ada', issueDate: '2026-11-25', dueDate: '2026-12-25',
    currency: 'EUR', subtotal: 1000, tax: 200, total: 1200, lines: [line],
  },
  payment_received: {
    invoiceId: 'i1', orderId: 'o1', customerId: 'c1', currency: 'EUR', paymentId: 'p1', amount: 1200, method: 'bank_transfer', amountPaid: 1200,
    balance: 0, invoiceStatus: 'paid', receivedAt: '2026-11-26T10:00:00.000Z',
  },
  invoice_paid: { invoiceId: 'i1', orderId: 'o1', customerId: 'c1', currency: 'EUR', total: 1200, paidAt: '2026-11-26T10:00:00.000Z' },
  credit_note_issued: {
    creditNoteId: 'cn1', number: 'CN-2026-000001', invoiceId: 'i1', invoiceNumber: 'INV-2026-000001', orderId: 'o1', customerId: 'c1', currency: 'EUR',
    amount: 1200, amountPaid: 0, refundDue: 0, credited: 1200, returnId: null, invoiceStatus: 'credited',
  },
  refund_recorded: {
    refundId: 'r1', creditNoteId: 'cn1', invoiceId: 'i1', orderId: 'o1', customerId: 'c1', currency: 'EUR', amount: 300, method: 'bank_transfer',
    refunded: 300, refundDue: 0, refundedAt: '2026-11-27T10:00:00.000Z',
  },
  reminder_issued: {
    reminderId: 'r1', number: 'REM-2026-000001', invoiceId: 'i1', invoiceNumber: 'INV-2026-000001', customerId: 'c1', level: 1,
    issueDate: '2026-02-07', daysPastDue: 7, currency: 'EUR', balance: 1190, fee: 0,
  },
  document_delivery_requested: {
    deliveryId: 'd1', kind: 'invoice', documentId: 'i1', number: 'INV-2026-000001', invoiceId: 'i1', customerId: 'c1', supplierId: null, recipient: 'ada@example.com', trigger: 'manual',
  },
  employee_hired: employee,
  employee_updated: { ...employee, version: 2, title: 'Head', changed: ['title'] },
  employee_terminated: { ...employee, version: 3, status: 'terminated', terminatedAt: '2026-11-30' },
};

const testCause: Causation = { correlationId: 'c', causationId: null, actor: 'test' };

/** An envelope of `type` with the sample data, `data` laid over it. */
export function sampleEvent<K extends EventType>(type: K, data: Partial<EventData<K>> = {}, at = new Date(), cause: Causation = testCause): Envelope {
  return envelope(type, { ...sampleData[type], ...data } as EventData<K>, cause, at);
}
