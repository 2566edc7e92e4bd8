import { z } from 'zod';
import { employeeStatuses } from '../../domain/employee.js';
import { currency, id, money } from './fields.js';
import { spec } from './spec.js';

/** Pay fields included: events stay inside the platform, and the BI side serves payroll to admins only.
 *  `version` is the record's version (hr.employees.version): the projection keeps the highest, so an
 *  older snapshot redelivered late never overwrites a newer one. */
const employeeSnapshot = z.object({
  employeeId: id,
  version: z.number().int().nonnegative(),
  name: z.string(),
  email: z.string(),
  department: z.string(),
  title: z.string(),
  salary: money.positive(),
  currency,
  hiredAt: z.iso.date(),
  terminatedAt: z.iso.date().nullable(),
  status: z.enum(employeeStatuses),
});
/** Version 1 snapshots carried no record version; 0 ranks them below every versioned one (and among
 *  themselves the projection falls back to the stream order, as it did then). */
const employeeV1 = (data: unknown) => ({ ...(data as object), version: 0 });

const employeeAggregate = { type: 'employee', id: (d: { employeeId: string }) => d.employeeId } as const;

/** The hr domain's events: an employee's record, whole, at each change. */
export const hrEvents = {
  employee_hired: spec({
    domain: 'hr',
    version: 2,
    summary: 'An employee was hired: the whole record.',
    data: employeeSnapshot,
    aggregate: employeeAggregate,
    upgrade: { 1: employeeV1 },
  }),
  employee_updated: spec({
    domain: 'hr',
    version: 2,
    summary: "An employee's record changed: the whole record and the fields that changed.",
    aggregate: employeeAggregate,
    data: employeeSnapshot.extend({ changed: z.array(z.string()).min(1) }),
    upgrade: { 1: employeeV1 },
  }),
  employee_terminated: spec({
    domain: 'hr',
    version: 2,
    summary: 'An employee was terminated: the whole record.',
    data: employeeSnapshot,
    aggregate: employeeAggregate,
    upgrade: { 1: employeeV1 },
  }),
} as const;
