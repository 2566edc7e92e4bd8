import { commandRoles } from '../../shared/auth/permissions.js';
import { command, defineFunction } from '../../shared/http/definition.js';
import { creditReturn } from '../../shared/billing/credit-notes.js';
import { recordPayment } from '../../shared/billing/payments.js';
import { recordRefund } from '../../shared/billing/refunds.js';
import { body, creditNoteBody, refundBody } from './schema.js';

// The accountant's commands on an invoice's amounts (faasd CE's 15-function cap: one function hosts them).
export default defineFunction({
  name: 'record-payment',
  routes: [
    command({ roles: commandRoles['record-payment'], body, idempotent: true, successStatus: 201, run: (uow, input) => recordPayment(uow, input) }),
    command({
      path: '/credit-note',
      roles: commandRoles['record-payment/credit-note'],
      body: creditNoteBody,
      idempotent: true,
      successStatus: 201,
      run: (uow, input) => creditReturn(uow, input),
    }),
    command({
      path: '/refund',
      roles: commandRoles['record-payment/refund'],
      body: refundBody,
      idempotent: true,
      successStatus: 201,
      run: (uow, input) => recordRefund(uow, input),
    }),
  ],
});
