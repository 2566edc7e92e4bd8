import { z } from 'zod';
import { id } from '../../shared/schemas/common.js';
import { employeeFields } from '../../shared/schemas/employee.js';

const f = employeeFields;
export const body = z
  .object({
    id,
    name: f.name.optional(),
    email: f.email.optional(),
    department: f.department.optional(),
    title: f.title.optional(),
    salary: f.salary.optional(),
    currency: f.currency.optional(),
    hiredAt: f.hiredAt.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).some((k) => k !== 'id'), 'name at least one field to change');
