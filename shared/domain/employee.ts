// Employee rules. Dates are ISO 'YYYY-MM-DD' calendar days in UTC, so comparing the strings compares
// the days; salary is integer minor units per month.

/** The one list: events, reads, screens derive from it; hr.employees' CHECK is held equal to it
 *  (tests/integration/status-constraints.test.ts): a change here needs a migration. */
export const employeeStatuses = ['active', 'terminated'] as const;
export type EmployeeStatus = (typeof employeeStatuses)[number];

/** What made a version of an employee's record (hr.employee_history.change; its CHECK is held equal to this). */
export const employeeChanges = ['hired', 'updated', 'terminated'] as const;
export type EmployeeChange = (typeof employeeChanges)[number];

export interface Employee {
  id: string;
  name: string;
  email: string;
  department: string;
  title: string;
  salary: number;
  currency: string;
  status: EmployeeStatus;
  hiredAt: string;
  terminatedAt: string | null;
}

/** The fields an update may change; hiredAt is there to correct a mistyped start date. */
export const editableFields = ['name', 'email', 'department', 'title', 'salary', 'currency', 'hiredAt'] as const;
export type EditableField = (typeof editableFields)[number];
export type EmployeePatch = { [K in EditableField]?: Employee[K] | undefined };

export type Decision<T> = { ok: true; value: T } | { ok: false; code: 'invalid_dates' | 'invalid_transition'; message: string };

export function todayUtc(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function isMonthlySalary(amount: number): boolean {
  return Number.isSafeInteger(amount) && amount > 0;
}

/** Emails are unique among active employees whatever their case; the index uses the same key. */
export function emailKey(email: string): string {
  return email.toLowerCase();
}

export function datesInOrder(hiredAt: string, terminatedAt: string | null): boolean {
  return terminatedAt === null || terminatedAt >= hiredAt;
}

/**
 * The employee after a patch and the names of the fields that really changed; an unchanged value is
 * not a change. A former employee's record is closed: it is history, not something to edit.
 */
export function applyPatch(current: Employee, patch: EmployeePatch): Decision<{ next: Employee; changed: EditableField[] }> {
  if (current.status === 'terminated') return { ok: false, code: 'invalid_transition', message: 'a terminated employee cannot be updated' };
  const next: Employee = { ...current };
  const changed: EditableField[] = [];
  for (const field of editableFields) {
    const value = patch[field];
    if (value === undefined || value === current[field]) continue;
    (next as Record<EditableField, unknown>)[field] = value;
    changed.push(field);
  }
  if (!datesInOrder(next.hiredAt, next.terminatedAt)) {
    return { ok: false, code: 'invalid_dates', message: `the hire date ${next.hiredAt} is after the termination date ${next.terminatedAt}` };
  }
  return { ok: true, value: { next, changed } };
}

/** Termination happens once, on a day not before the hire date (the same day is a valid, short stay). */
export function terminate(current: Employee, terminatedAt: string): Decision<Employee> {
  if (current.status === 'terminated') return { ok: false, code: 'invalid_transition', message: `the employee was terminated on ${current.terminatedAt}` };
  if (!datesInOrder(current.hiredAt, terminatedAt)) {
    return { ok: false, code: 'invalid_dates', message: `the termination date ${terminatedAt} is before the hire date ${current.hiredAt}` };
  }
  return { ok: true, value: { ...current, status: 'terminated', terminatedAt } };
}
