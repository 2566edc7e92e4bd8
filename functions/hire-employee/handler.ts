import { command, defineFunction } from '../../shared/http/definition.js';
import { hireEmployee } from '../../shared/hr/hire-employee.js';
import { body } from './schema.js';

export default defineFunction({
  name: 'hire-employee',
  routes: [command({ roles: ['admin'], body, idempotent: true, successStatus: 201, run: (uow, input) => hireEmployee(uow, input) })],
});
