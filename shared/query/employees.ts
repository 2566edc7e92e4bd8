import type { Pool } from '../db/pool.js';
import { hasAnyRole, type Principal } from '../auth/roles.js';
import { filters } from './paging.js';

const directory = `id, name, email, department, title, status, hired_at as "hiredAt", terminated_at as "terminatedAt"`;
// Pay columns are not even selected for other roles, so no later mapping can leak them.
const pay = `, salary, currency`;
/** Who sees pay (salary, currency): admins only, in every answer (JSON and CSV). */
export const seesPay = (actor: Principal) => hasAnyRole(actor, ['admin']);
const columnsFor = (actor: Principal) => (seesPay(actor) ? directory + pay : directory);

export async function listEmployees(db: Pool, q: { department?: string | undefined; status?: string | undefined }, actor: Principal) {
  const f = filters();
  f.add((p) => `department = ${p}`, q.department);
  f.add((p) => `status = ${p}`, q.status);
  const { rows } = await db.query(`select ${columnsFor(actor)} from hr.employee_directory ${f.where()} order by department, name, id`, f.params);
  return { items: rows };
}

export async function getEmployee(db: Pool, id: string, actor: Principal) {
  const { rows } = await db.query(`select ${columnsFor(actor)} from hr.employee_directory where id = $1`, [id]);
  return rows[0];
}
