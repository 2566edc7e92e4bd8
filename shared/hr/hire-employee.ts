import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../errors.js';
import { isMonthlySalary, todayUtc, type Employee } from '../domain/employee.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { guardEmail, recordVersion, snapshotOf } from './employee-store.js';

export type HireInput = Omit<Employee, 'id' | 'status' | 'hiredAt' | 'terminatedAt'> & { hiredAt?: string | undefined };

export async function hireEmployee(uow: UnitOfWork, input: HireInput): Promise<Employee> {
  if (!isMonthlySalary(input.salary)) throw new AppError('validation_failed', 'salary must be a positive whole number of minor units');
  const employee: Employee = {
    id: uuidv7(),
    name: input.name,
    email: input.email,
    department: input.department,
    title: input.title,
    salary: input.salary,
    currency: input.currency,
    status: 'active',
    hiredAt: input.hiredAt ?? todayUtc(uow.now),
    terminatedAt: null,
  };
  await guardEmail(employee.email, () =>
    uow.tx.query(
      `insert into hr.employees (id, name, email, department, title, salary, currency, status, hired_at, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $9)`,
      [employee.id, employee.name, employee.email, employee.department, employee.title, employee.salary, employee.currency, employee.hiredAt, uow.now],
    ),
  );
  const version = await recordVersion(uow, employee.id, 'hired', []);
  uow.emit('employee_hired', snapshotOf(employee, version));
  return employee;
}
