import type { Pool } from '../db/pool.js';
import { hasAnyRole, type Principal } from '../auth/roles.js';
import { filters, keyPage, type PageQuery, type SortKey } from './paging.js';

const directory = `id, name, email, department, title, status, hired_at as "hiredAt", terminated_at as "terminatedAt"`;
// Pay columns are not even selected for other roles, so no later mapping can leak them.
const pay = `, salary, currency`;
/** Who sees pay (salary, currency): admins only, in every answer (JSON and CSV). */
export const seesPay = (actor: Principal) => hasAnyRole(actor, ['admin']);
const columnsFor = (actor: Principal) => (seesPay(actor) ? directory + pay : directory);

export interface EmployeeListQuery extends PageQuery {
  department?: string | undefined;
  status?: string | undefined;
}

// By department, then name (the id settles two of the same name), paged on all three.
const byDepartment: SortKey<{ id: string; name: string; department: string }> = {
  columns: ['department', 'name', 'id'],
  of: (row) => [row.department, row.name, row.id],
};

export async function listEmployees(db: Pool, q: EmployeeListQuery, actor: Principal) {
  const f = filters();
  f.add((p) => `department = ${p}`, q.department);
  f.add((p) => `status = ${p}`, q.status);
  return keyPage(db, { view: 'hr.employee_directory', columns: columnsFor(actor), key: byDepartment }, f, q);
}

export async function getEmployee(db: Pool, id: string, actor: Principal) {
  const { rows } = await db.query(`select ${columnsFor(actor)} from hr.employee_directory where id = $1`, [id]);
  return rows[0];
}
