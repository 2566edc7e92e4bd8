import { employee } from '../../shared/query/answers/employees.js';
import { commandRoles } from '../../shared/auth/permissions.js';
import { command, defineFunction } from '../../shared/http/definition.js';
import { hireEmployee } from '../../shared/hr/hire-employee.js';
import { body } from './schema.js';

export default defineFunction({
  name: 'hire-employee',
  routes: [
    command({
      roles: commandRoles['hire-employee'],
      body,
      idempotent: true,
      answer: employee,
      successStatus: 201,
      run: (uow, input) => hireEmployee(uow, input),
    }),
  ],
});
