import { commandRoles } from '../../shared/auth/permissions.js';
import { updateCompanyProfile } from '../../shared/orders/company-profile.js';
import { command, defineFunction, mount } from '../../shared/http/definition.js';
import { importMount } from '../../shared/import/routes.js';
import { customerWriters } from '../../shared/import/write-customers.js';
import { upsertCustomer } from '../../shared/orders/customers.js';
import { body, companyBody } from './schema.js';

// The parties of a sale: customers, and at /company the seller (faasd CE's 15 functions leave no room
// for a function of its own).
export default defineFunction({
  name: 'upsert-customer',
  routes: [
    command({ roles: commandRoles['upsert-customer'], body, idempotent: true, run: (uow, input) => upsertCustomer(uow, input) }),
    // Moving in: customers from CSV (shared/import/).
    mount(importMount('upsert-customer', commandRoles['upsert-customer/import'], customerWriters)),
    command({
      path: '/company',
      roles: commandRoles['upsert-customer/company'],
      body: companyBody,
      idempotent: true,
      run: (uow, input, actor) => updateCompanyProfile(uow, input, actor.sub),
    }),
  ],
});
