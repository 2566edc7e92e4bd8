import { z } from 'zod';
import { orderStatuses } from '../../shared/domain/order-lifecycle.js';
import { employeeStatuses } from '../../shared/domain/employee.js';
import { id, text } from '../../shared/schemas/common.js';
import { pageParams } from '../../shared/query/paging.js';

export const byId = z.object({ id }).strict();
export const orderList = z.object({ status: z.enum(orderStatuses).optional(), customerId: id.optional(), ...pageParams }).strict();
export const invoiceList = z
  .object({ orderId: id.optional(), customerId: id.optional(), status: z.enum(['open', 'partially_paid', 'paid', 'credited']).optional(), ...pageParams })
  .strict();
export const employeeList = z.object({ department: text(100).optional(), status: z.enum(employeeStatuses).optional() }).strict();
export const none = z.object({}).strict();
