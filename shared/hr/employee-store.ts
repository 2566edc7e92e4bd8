import { AppError } from '../errors.js';
import type { Tx } from '../db/pool.js';
import type { Employee, EmployeeChange } from '../domain/employee.js';
import type { EventData } from '../events/registry.js';
import type { UnitOfWork } from '../unit-of-work.js';

const columns = `id, name, email, department, title, salary, currency, status, hired_at as "hiredAt", terminated_at as "terminatedAt"`;

export async function mustLockEmployee(tx: Tx, id: string): Promise<Employee> {
  const { rows } = await tx.query<Employee>(`select ${columns} from hr.employees where id = $1 for update`, [id]);
  if (!rows[0]) throw new AppError('not_found', `no employee ${id}`);
  return rows[0];
}

/**
 * Runs a write that may collide with the active-email index. The index, not a prior select, is the
 * guard: two concurrent hires with one address both pass a select, only one passes the index.
 */
export async function guardEmail<T>(email: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof Error && 'constraint' in err && err.constraint === 'employees_active_email') {
      throw new AppError('email_taken', 'an active employee already has this email', { email, path: 'email' });
    }
    throw err;
  }
}

/** Copies the row as it now stands into the history, so every version stays readable; returns its version. */
export async function recordVersion(uow: UnitOfWork, id: string, change: EmployeeChange, changed: readonly string[]): Promise<number> {
  const { rows } = await uow.tx.query<{ version: number }>(
    `insert into hr.employee_history (employee_id, version, change, changed_fields, name, email, department, title, salary, currency,
       status, hired_at, terminated_at, termination_reason, actor, correlation_id, recorded_at)
     select id, version, $2, $3, name, email, department, title, salary, currency,
       status, hired_at, terminated_at, termination_reason, $4, $5, $6
     from hr.employees where id = $1
     returning version`,
    [id, change, changed, uow.cause.actor, uow.cause.correlationId, uow.now],
  );
  return rows[0]!.version;
}

/** The event data of the record at `version` (the projection keeps the highest version it has seen). */
export function snapshotOf(e: Employee, version: number): EventData<'employee_hired'> {
  return {
    employeeId: e.id,
    version,
    name: e.name,
    email: e.email,
    department: e.department,
    title: e.title,
    salary: e.salary,
    currency: e.currency,
    hiredAt: e.hiredAt,
    terminatedAt: e.terminatedAt,
    status: e.status,
  };
}
