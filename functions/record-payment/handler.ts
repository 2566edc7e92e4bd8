import { commandRoles } from '../../shared/auth/permissions.js';
import { command, defineFunction } from '../../shared/http/definition.js';
import { recordPayment } from '../../shared/billing/payments.js';
import { body } from './schema.js';

export default defineFunction({
  name: 'record-payment',
  routes: [command({ roles: commandRoles['record-payment'], body, idempotent: true, successStatus: 201, run: (uow, input) => recordPayment(uow, input) })],
});
