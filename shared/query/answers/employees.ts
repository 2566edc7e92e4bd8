import { z } from 'zod';
import { employeeStatuses } from '../../domain/employee.js';
import { currencyCode, day, money, page } from './common.js';

// GET /function/query/employees and /employees/:id (shared/query/employees.ts). Pay (salary, currency)
// is in an admin's answer only (the query selects both or neither).

const directory = {
  id: z.string(),
  name: z.string(),
  email: z.string(),
  department: z.string(),
  title: z.string(),
  status: z.enum(employeeStatuses),
  hiredAt: day,
  terminatedAt: day.nullable(),
};
export const employee = z.strictObject({ ...directory, salary: money.optional(), currency: currencyCode.optional() });
export const employeePage = page(employee);
