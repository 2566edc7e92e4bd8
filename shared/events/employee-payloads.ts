import { z } from 'zod';

// The data of employee_hired, employee_updated and employee_terminated: the whole current record, so
// a consumer (the OLAP projector) upserts it without calling back. Pay fields included: events stay
// inside the platform, and the BI side serves payroll to admins only.
export const employeeSnapshot = z.object({
  employeeId: z.string(),
  name: z.string(),
  email: z.string(),
  department: z.string(),
  title: z.string(),
  salary: z.number().int().positive(),
  currency: z.string().length(3),
  hiredAt: z.iso.date(),
  terminatedAt: z.iso.date().nullable(),
  status: z.enum(['active', 'terminated']),
});
export type EmployeeSnapshot = z.infer<typeof employeeSnapshot>;

export const employeeUpdated = employeeSnapshot.extend({ changed: z.array(z.string()).min(1) });
export type EmployeeUpdated = z.infer<typeof employeeUpdated>;
