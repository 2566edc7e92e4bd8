import { employee } from '../../shared/query/answers/employees.js';
import { commandRoles } from '../../shared/auth/permissions.js';
import { command, defineFunction } from '../../shared/http/definition.js';
import { updateEmployee } from '../../shared/hr/update-employee.js';
import { body } from './schema.js';

export default defineFunction({
  name: 'update-employee',
  routes: [command({ roles: commandRoles['update-employee'], body, idempotent: true, answer: employee, run: (uow, input) => updateEmployee(uow, input) })],
});
