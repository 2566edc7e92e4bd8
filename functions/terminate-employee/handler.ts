import { employee } from '../../shared/query/answers/employees.js';
import { commandRoles } from '../../shared/auth/permissions.js';
import { command, defineFunction } from '../../shared/http/definition.js';
import { terminateEmployee } from '../../shared/hr/terminate-employee.js';
import { body } from './schema.js';

export default defineFunction({
  name: 'terminate-employee',
  routes: [
    command({ roles: commandRoles['terminate-employee'], body, idempotent: true, answer: employee, run: (uow, input) => terminateEmployee(uow, input) }),
  ],
});
