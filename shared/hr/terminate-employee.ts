import { AppError } from '../errors.js';
import { terminate, todayUtc, type Employee } from '../domain/employee.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { mustLockEmployee, recordVersion, snapshotOf } from './employee-store.js';

export interface TerminateInput {
  id: string;
  terminatedAt?: string | undefined;
  reason?: string | undefined;
}

export async function terminateEmployee(uow: UnitOfWork, input: TerminateInput): Promise<Employee> {
  const current = await mustLockEmployee(uow.tx, input.id);
  const decision = terminate(current, input.terminatedAt ?? todayUtc(uow.now));
  if (!decision.ok)
    throw new AppError(decision.code, decision.message, {
      status: current.status,
      hiredAt: current.hiredAt,
      ...(decision.code === 'invalid_dates' ? { path: 'terminatedAt' } : {}),
    });
  const next = decision.value;
  await uow.tx.query(
    `update hr.employees set status = 'terminated', terminated_at = $2, termination_reason = $3, version = version + 1, updated_at = $4
     where id = $1`,
    [next.id, next.terminatedAt, input.reason ?? null, uow.now],
  );
  const version = await recordVersion(uow, next.id, 'terminated', ['status', 'terminatedAt']);
  uow.emit('employee_terminated', snapshotOf(next, version));
  return next;
}
