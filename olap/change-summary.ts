import type { SeqEvent } from './seq-event.js';

// What an applied batch touched, for the live page: it refreshes only what it shows of these ids.
// Taken from the batch's events alone (no DuckDB read), so it costs one pass over what was applied.

export interface ChangeSummary {
  /** The batch's watermark: the stream sequence of its last event. */
  seq: number;
  types: string[];
  orders: string[];
  invoices: string[];
  skus: string[];
  customers: string[];
  employees: string[];
  /** A list was cut at `maxIds`: the page should refresh whatever it shows. */
  more: boolean;
}

export const maxIds = 200;

type Kind = 'orders' | 'invoices' | 'skus' | 'customers' | 'employees';
const dataKeys: [string, Kind][] = [
  ['orderId', 'orders'],
  ['invoiceId', 'invoices'],
  ['sku', 'skus'],
  ['customerId', 'customers'],
  ['employeeId', 'employees'],
];
const aggregates: Record<string, Kind> = { order: 'orders', invoice: 'invoices', product: 'skus', customer: 'customers', employee: 'employees' };

export function summarize(events: SeqEvent[], seq: number): ChangeSummary {
  const types = new Set<string>();
  const ids: Record<Kind, Set<string>> = { orders: new Set(), invoices: new Set(), skus: new Set(), customers: new Set(), employees: new Set() };
  let more = false;
  const add = (kind: Kind, value: unknown) => {
    if (typeof value !== 'string' || value === '' || ids[kind].has(value)) return;
    if (ids[kind].size >= maxIds) more = true;
    else ids[kind].add(value);
  };
  for (const { event } of events) {
    if (!event) continue;
    types.add(event.type);
    for (const [key, kind] of dataKeys) add(kind, event.data[key]);
    const kind = aggregates[event.aggregateType];
    if (kind) add(kind, event.aggregateId);
  }
  return {
    seq,
    types: [...types],
    orders: [...ids.orders],
    invoices: [...ids.invoices],
    skus: [...ids.skus],
    customers: [...ids.customers],
    employees: [...ids.employees],
    more,
  };
}
