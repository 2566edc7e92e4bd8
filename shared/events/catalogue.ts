// Every event type and the domain whose subject carries it: `<prefix>.<domain>.<type>`.
export const eventDomains = {
  order_created: 'orders',
  order_rejected: 'orders',
  order_cancelled: 'orders',
  order_fulfilled: 'orders',
  order_status_changed: 'orders',
  customer_upserted: 'orders',
  stock_reserved: 'inventory',
  stock_reservation_failed: 'inventory',
  stock_released: 'inventory',
  stock_changed: 'inventory',
  product_upserted: 'inventory',
  invoice_created: 'billing',
  payment_received: 'billing',
  invoice_paid: 'billing',
  credit_note_issued: 'billing',
  employee_hired: 'hr',
  employee_updated: 'hr',
  employee_terminated: 'hr',
} as const;
export type EventType = keyof typeof eventDomains;
export const eventTypes = Object.keys(eventDomains) as EventType[];

export function subjectFor(prefix: string, type: EventType): string {
  return `${prefix}.${eventDomains[type]}.${type}`;
}

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(eventDomains, value);
}
