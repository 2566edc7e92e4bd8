import { z } from 'zod';
import { orderStatuses } from '../../shared/domain/order-lifecycle.js';
import { employeeStatuses } from '../../shared/domain/employee.js';
import { invoiceStatuses } from '../../shared/domain/invoice.js';
import { purchaseOrderStatuses } from '../../shared/domain/purchase-order-lifecycle.js';
import { id, sku, text } from '../../shared/schemas/common.js';
import { pageParams } from '../../shared/query/paging.js';

// A UTC day; year 0 passes the ISO check but Postgres has no year 0 (it would be a 500, not this 400).
const day = z.iso.date().refine((d) => !d.startsWith('0000'), 'a date from the year 0001 on');
// What the user typed into a list's search box; matched literally (% and _ are not wildcards).
const search = { q: text(100).optional() };

export const byId = z.object({ id }).strict();
export const nothing = z.object({}).strict();
export const bySku = z.object({ sku }).strict();
export const orderList = z
  .object({ status: z.enum(orderStatuses).optional(), customerId: id.optional(), from: day.optional(), to: day.optional(), ...search, ...pageParams })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'to is before from' });
export const invoiceList = z
  .object({
    orderId: id.optional(),
    customerId: id.optional(),
    status: z.enum(invoiceStatuses).optional(),
    overdue: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    ...search,
    ...pageParams,
  })
  .strict();
export const purchaseOrderList = z.object({ status: z.enum(purchaseOrderStatuses).optional(), supplierId: id.optional(), ...pageParams }).strict();
export const movementList = z.object({ sku, ...pageParams }).strict();
/** Stock at cost as of an instant (now when left out): ISO 8601 with Z or an offset, from the year 0001 on. */
export const valuationAt = z
  .object({
    at: z.iso
      .datetime({ offset: true })
      .refine((t) => !t.startsWith('0000'), 'an instant from the year 0001 on')
      .optional(),
  })
  .strict();
/** Stock, products, customers: a search and a page, in the list's own order (shared/query/paging.ts, keyPage). */
export const searchList = z.object({ ...search, ...pageParams }).strict();
/** Reorder suggestions: every supplier's, or one's (`supplierId`). */
export const reorderList = z.object({ supplierId: id.optional() }).strict();
export const employeeList = z.object({ department: text(100).optional(), status: z.enum(employeeStatuses).optional(), ...pageParams }).strict();
/** The journal of a period: UTC days, both inclusive, either may be left out. */
export const journalList = z
  .object({ from: day.optional(), to: day.optional(), ...pageParams })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'to is before from' });
/** As of the end of a UTC day (today when left out). */
export const asOf = z.object({ asOf: day.optional() }).strict();
export const receivablesList = z.object({ asOf: day.optional(), ...pageParams }).strict();
