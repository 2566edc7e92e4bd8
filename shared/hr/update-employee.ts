import { AppError } from '../errors.js';
import { applyPatch, isMonthlySalary, type Employee, type EmployeePatch } from '../domain/employee.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { guardEmail, mustLockEmployee, recordVersion, snapshotOf } from './employee-store.js';

export type UpdateInput = EmployeePatch & { id: string };

/** Writes only real changes: a patch that changes nothing adds no version and no event. */
export async function updateEmployee(uow: UnitOfWork, input: UpdateInput): Promise<Employee> {
  const { id, ...patch } = input;
  if (patch.salary !== undefined && !isMonthlySalary(patch.salary))
    throw new AppError('validation_failed', 'salary must be a positive whole number of minor units');
  const current = await mustLockEmployee(uow.tx, id);
  const decision = applyPatch(current, patch);
  if (!decision.ok)
    throw new AppError(decision.code, decision.message, { status: current.status, ...(decision.code === 'invalid_dates' ? { path: 'hiredAt' } : {}) });
  const { next, changed } = decision.value;
  if (changed.length === 0) return current;
  await guardEmail(next.email, () =>
    uow.tx.query(
      `update hr.employees set name = $2, email = $3, department = $4, title = $5, salary = $6, currency = $7, hired_at = $8,
         version = version + 1, updated_at = $9
       where id = $1`,
      [id, next.name, next.email, next.department, next.title, next.salary, next.currency, next.hiredAt, uow.now],
    ),
  );
  const version = await recordVersion(uow, id, 'updated', changed);
  uow.emit('employee_updated', { ...snapshotOf(next, version), changed });
  return next;
}
