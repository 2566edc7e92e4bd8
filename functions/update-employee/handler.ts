import { command, defineFunction } from '../../shared/http/definition.js';
import { updateEmployee } from '../../shared/hr/update-employee.js';
import { body } from './schema.js';

export default defineFunction({
  name: 'update-employee',
  routes: [command({ roles: ['admin'], body, idempotent: true, run: (uow, input) => updateEmployee(uow, input) })],
});
