import { employee, employeePage } from '../../../shared/query/answers/employees.js';
import { read } from '../api.js';
import type { Changes } from '../live.js';
import { useLoad } from '../load.js';
import { readAll, usePaged } from '../paging.js';
import { seg } from '../router.js';

// The employees' reads, parsed with their answer schemas (salary only in the administrator's answers).

const employeesChanged = (c: Changes) => c.employees.length > 0;

export function useEmployees(department: string, status: string) {
  return usePaged((limit, cursor) => read(employeePage, 'employees', { department, status, limit, cursor }), [department, status], employeesChanged);
}

/** Everyone anyone has ever employed: the departments to choose from. */
export function useAllEmployees() {
  return useLoad(() => readAll(employeePage, 'employees'), [], employeesChanged);
}

/** One employee; none asked (a hire's form): undefined. */
export function useEmployee(id: string | undefined) {
  return useLoad(
    () => (id ? read(employee, `employees/${seg(id)}`) : Promise.resolve(undefined)),
    [id],
    (c) => !!id && c.employees.includes(id),
  );
}
